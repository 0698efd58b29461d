import { Injectable } from '@nestjs/common';
import { writeOutputCsv } from '../csv/output-csv.writer';
import { ImageProcessingRequest } from './image-processing-request.entity';
import { finalStatusOf, RequestResults } from './request-results';
import { RequestsRepository } from './requests.repository';

/** Ends a request once every image has an outcome: its final status and its output CSV. */
@Injectable()
export class RequestCompletionService {
  constructor(
    private readonly requests: RequestsRepository,
    private readonly results: RequestResults,
  ) {}

  /**
   * Finalises the request if its last image has just been recorded. Of several workers racing
   * on the last images, exactly one gets the finalised request back; the others get null.
   */
  async finaliseIfDone(requestPk: number): Promise<ImageProcessingRequest | null> {
    const request = await this.requests.findRequestByPk(requestPk);
    if (!request || request.completedAt || request.processedImages < request.totalImages) {
      return null;
    }
    const products = await this.results.products(requestPk);
    const outputCsv = writeOutputCsv(
      products.map((product) => ({ ...product, outputImageUrls: product.outputUrls })),
    );
    const status = finalStatusOf(request);
    const completedAt = new Date();
    const won = await this.requests.completeRequest(requestPk, status, outputCsv, completedAt);
    return won ? { ...request, status, outputCsv, completedAt } : null;
  }
}
