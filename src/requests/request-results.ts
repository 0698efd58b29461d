import { Injectable } from '@nestjs/common';
import { Image } from './image.entity';
import { ImageStatus, RequestStatus } from './request-status';
import { RequestsRepository } from './requests.repository';

/** A product as the output shows it: its input cells and one output URL per input URL. */
export interface ProductResult {
  serialNumber: string;
  productName: string;
  /** The URL cell as uploaded. */
  inputImageUrls: string;
  inputUrls: string[];
  /** In input order; null where that image failed. */
  outputUrls: (string | null)[];
}

/** Which status a request ends with: Failed only when every image failed. */
export function finalStatusOf(request: {
  totalImages: number;
  failedImages: number;
}): RequestStatus.Completed | RequestStatus.Failed {
  return request.failedImages === request.totalImages
    ? RequestStatus.Failed
    : RequestStatus.Completed;
}

/** What the output holds for one image: its URL, or nothing when it failed. */
export const outputUrlOf = (image: Image): string | null =>
  image.status === ImageStatus.Completed ? image.outputUrl : null;

/** The results of a request as the output CSV and the webhook show them. */
@Injectable()
export class RequestResults {
  constructor(private readonly requests: RequestsRepository) {}

  /** Every product in input order, each with its output URLs in URL order. */
  async products(requestPk: number): Promise<ProductResult[]> {
    const products = await this.requests.productsWithImages(requestPk);
    return products.map((product) => ({
      serialNumber: product.serialNumber,
      productName: product.productName,
      inputImageUrls: product.inputImageUrls,
      inputUrls: product.images.map((image) => image.inputUrl),
      outputUrls: product.images.map(outputUrlOf),
    }));
  }
}
