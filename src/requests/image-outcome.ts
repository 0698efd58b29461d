import { ImageStatus } from './request-status';

/**
 * How an image ended: compressed and stored under `outputKey`, failed with a reason, or
 * cancelled with its request before it was downloaded.
 */
export type ImageOutcome =
  | {
      status: ImageStatus.Completed;
      outputKey: string;
      bytesIn: number;
      bytesOut: number;
      format: string;
      sourceQuality: number | null;
      targetQuality: number | null;
      width: number;
      height: number;
      skipReason: string | null;
      /** SSIM against the source; null when the source was kept or scoring was off. */
      score: number | null;
    }
  | { status: ImageStatus.Failed; error: string; bytesIn?: number | null; format?: string | null }
  | { status: ImageStatus.Cancelled };
