import { RequestStatus } from '../requests/request-status';

/** The JSON body POSTed to `webhook_url` when a request ends. */
export interface WebhookPayload {
  type: 'image_processing.completed' | 'image_processing.failed' | 'image_processing.cancelled';
  timestamp: string;
  data: {
    request_id: string;
    status: RequestStatus;
    total_images: number;
    processed_images: number;
    failed_images: number;
    /** Images never processed because the request was cancelled. */
    cancelled_images: number;
    /** How many times the request's failed and cancelled images were tried again. */
    retries: number;
    /** WebP and AVIF variants owed, kept and dropped; null when none were asked. */
    variants: { total: number; kept: number; dropped: number } | null;
    output_csv_url: string;
    status_url: string;
    created_at: string;
    completed_at: string | null;
    product_count: number;
    /** Every product when there are at most WEBHOOK_MAX_PRODUCTS; none otherwise. */
    products: {
      serial_number: string;
      product_name: string;
      input_image_urls: string[];
      /** In input order; null where that image failed. */
      output_image_urls: (string | null)[];
    }[];
  };
}
