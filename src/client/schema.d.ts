/**
 * Generated from openapi.json by `npm run client` (openapi-typescript); do not edit.
 */

export interface paths {
  '/health/live': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Liveness: the process is running and answering
     * @description Checks no dependency, so that an outage elsewhere never gets the process restarted.
     */
    get: operations['getLiveness'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/health/ready': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Readiness: the database, Redis and image storage are usable
     * @description `503` while the database or Redis does not answer, or while the image storage cannot take images (its disk nearly full, or its S3 bucket not answering); route no traffic to the process until it answers `200` again.
     */
    get: operations['getReadiness'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/images/{requestId}/{fileName}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A compressed image */
    get: operations['downloadImage'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/requests': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Recent requests, newest first
     * @description The requests uploaded with the caller's API key (every request when the service has no `API_KEYS`), as summaries without their images, a page at a time: follow `next`.
     */
    get: operations['listRequests'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/requests/{requestId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Delete a request with everything stored for it
     * @description From the answer on, the request, its status, its output CSV and its images answer 404. A running request is cancelled first. Its rows and stored objects are removed in the background, in bounded batches; a deletion cut short by a restart is carried on.
     */
    delete: operations['deleteRequest'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/requests/{requestId}/cancel': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Stop a running request
     * @description No image still `Pending` is downloaded after the answer; images already being processed may finish, and their results are kept. The pending images become `Cancelled` and the request ends `Cancelled`, with its output CSV (empty cells for cancelled images) and its webhook (`image_processing.cancelled`). Cancelling a cancelled request answers as the first time.
     */
    post: operations['cancelRequest'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/requests/{requestId}/retry': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Try the failed and cancelled images of a finished request again
     * @description Every `Failed` or `Cancelled` image goes back to `Pending` with a fresh attempt count; images that succeeded are kept as they are. The request is `Processing` again; when it finishes, a new output CSV replaces the old one and the webhook is sent again, with a new `webhook-id`. `retries` counts the retries.
     */
    post: operations['retryRequest'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/status/{requestId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Processing status and per-image results */
    get: operations['getStatus'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/status/{requestId}/events': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Progress as Server-Sent Events, until the request finishes
     * @description A `text/event-stream` for `EventSource` or any SSE client. Each event's `data` is a `RequestSummaryDto` (the status without its image list), as JSON:
     *
     *     - `progress`: sent at once, then whenever the status, counters or webhook state change (read every 1000 ms).
     *     - `finished`: the final summary, once the request is `Completed` or `Failed`; the server then ends the stream. Close the `EventSource` on this event, or it reconnects and is sent the final summary again.
     *
     *     Each event's `id` is the number of images processed so far; the first one carries `retry: 3000`. A comment (`: keep-alive`) comes every 15 s so that proxies keep a quiet stream open. An `EventSource` cannot send headers: when the service has `API_KEYS`, read the stream with `fetch()` and the key in a header instead.
     */
    get: operations['streamStatusEvents'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/status/{requestId}/output.csv': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The output CSV: input columns plus `Output Image Urls` */
    get: operations['downloadOutputCsv'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/status/{requestId}/report.csv': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The report CSV: one row per image, with what compression did to it
     * @description For people: per image, in output order, its product, input and output URLs, format, source and target quality, bytes in and out, the share saved, its quality score (SSIM against the source, 0 to 1) and its result (`Compressed`, `Source kept` or `Failed`, with the reason in `Details`). Built from the database as it is streamed.
     */
    get: operations['downloadReportCsv'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/upload': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Upload a CSV of products and image URLs
     * @description Validates the whole file and answers at once with a request id; images are fetched and compressed in the background. `webhook_url` may be sent as a form field or a query parameter.
     */
    post: operations['uploadCsv'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export interface webhooks {
  imageProcessingFinished: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Sent to `webhook_url` once every image of a request has been processed
     * @description One delivery per request, signed per [Standard Webhooks](https://www.standardwebhooks.com/). Any 2xx answer ends it. Network errors, timeouts, 408, 429 and 5xx are retried on the Standard Webhooks schedule (after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h; `WEBHOOK_RETRY_DELAYS_MS`), or later when the receiver sends `Retry-After`; other answers, redirects included, are final. Every attempt carries the same `webhook-id`, so a receiver can drop duplicates; the end of a retry is a new message, with a new `webhook-id`.
     *
     *     To verify: compute HMAC-SHA256 over `${webhook-id}.${webhook-timestamp}.${raw body}` with the key `base64decode(secret without its whsec_ prefix)`, base64-encode it and compare it, in constant time, with each space-separated `v1,<signature>` of `webhook-signature`; reject timestamps more than a few minutes from now.
     */
    post: operations['imageProcessingFinished'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export interface components {
  schemas: {
    CsvProblemDto: {
      /**
       * @description Header name of the column at fault; null when the whole row or file is.
       * @example Input Image Urls
       */
      column: string | null;
      /**
       * @description 1-based line of the file; line 1 is the header.
       * @example 3
       */
      line: number;
      /** @example URL 2 "ftp://example.com/a.jpg" must start with http:// or https:// */
      message: string;
    };
    /** @description Answer to a CSV that is not valid: nothing was stored, and every problem is listed with its line and column so that the whole file can be fixed at once. */
    CsvValidationErrorDto: {
      /** @example Bad Request */
      error: string;
      /** @description In file order; after 1000 problems, one last entry says how many more there are. */
      errors: components['schemas']['CsvProblemDto'][];
      /** @example The CSV file is not valid */
      message: string;
      /** @example 400 */
      statusCode: number;
    };
    ErrorDetailDto: {
      /**
       * @description Header name of the CSV column at fault; null when the whole row or file is.
       * @example Input Image Urls
       */
      column?: string | null;
      /**
       * @description The parameter or form field at fault.
       * @example limit
       */
      field?: string;
      /**
       * @description 1-based line of the CSV; line 1 is the header.
       * @example 3
       */
      line?: number;
      /** @example limit must be a whole number from 1 to 1000 */
      message: string;
    };
    ErrorResponseDto: {
      /** @example Not Found */
      error: string;
      /** @description Every problem, when there are several: one per field, or per CSV line. */
      errors?: components['schemas']['ErrorDetailDto'][];
      /**
       * @description The limit that was exceeded, in bytes, when a file was too large (413).
       * @example 268435456
       */
      max_bytes?: number;
      /**
       * @description What went wrong, in words for a person.
       * @example No request with id 3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a
       */
      message: string;
      /** @example 404 */
      statusCode: number;
    };
    ImagePageDto: {
      items: components['schemas']['ImageResultDto'][];
      /** @example 100 */
      limit: number;
      /**
       * Format: uri
       * @description The next page, or null after the last. A page may hold fewer than `limit` images when they would not fit its size budget; follow `next` rather than counting pages.
       * @example http://localhost:3000/status/3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a?after=100&limit=100
       */
      next: string | null;
      /** @example 1 */
      page: number;
      /**
       * @description Images in the request.
       * @example 6
       */
      total: number;
    };
    ImageResultDto: {
      /**
       * @description Download attempts made so far.
       * @example 1
       */
      attempts: number;
      /** @example 184233 */
      bytes_in: number | null;
      /** @example 61022 */
      bytes_out: number | null;
      /**
       * @description Why the image failed; while it is `Pending` and being retried, the last attempt's error.
       * @example null
       */
      error: string | null;
      /** @example jpeg */
      format: string | null;
      /** @example 768 */
      height: number | null;
      /** @example https://images.example.com/a.jpg */
      input_url: string;
      /**
       * @description Place of the image in the output, 1-based: rows in order, then positions.
       * @example 1
       */
      ordinal: number;
      /** @example http://localhost:3000/images/3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a/1-1.jpg */
      output_url: string | null;
      /**
       * @description Position of the URL in its row, 1-based.
       * @example 1
       */
      position: number;
      /** @example SKU1 */
      product_name: string;
      reuse: components['schemas']['ImageReuseDto'] | null;
      reused_from: components['schemas']['ImageSlotDto'] | null;
      /**
       * @description Product row, 1-based, in CSV order.
       * @example 1
       */
      row: number;
      /**
       * @description How much of the source survives compression: the SSIM of the compressed image against its source, on their luma downscaled alike to at most 1 megapixel (transparency laid on white, an animation by its first frame), in four decimals; 1 is identical. Null when the image failed, the source was kept, or QUALITY_SCORE is off.
       * @example 0.9712
       */
      score: number | null;
      /** @example 1 */
      serial_number: string;
      /**
       * @description Why the original bytes were kept, when re-encoding did not make them smaller.
       * @example null
       */
      skip_reason: string | null;
      /** @example 90 */
      source_quality: number | null;
      /**
       * @example Completed
       * @enum {string}
       */
      status: 'Pending' | 'Completed' | 'Failed' | 'Cancelled';
      /** @example 45 */
      target_quality: number | null;
      /**
       * @description The WebP and AVIF variants its request asked for (`variants`, or `OUTPUT_VARIANTS`), once the image is compressed; empty when none were asked.
       * @example [
       *       {
       *         "bytes": 41210,
       *         "format": "webp",
       *         "quality": 71,
       *         "reason": null,
       *         "score": 0.9725,
       *         "status": "Kept",
       *         "url": "http://localhost:3000/images/3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a/1-1.webp"
       *       },
       *       {
       *         "bytes": 62240,
       *         "format": "avif",
       *         "quality": 64,
       *         "reason": "not-smaller",
       *         "score": 0.9716,
       *         "status": "Dropped",
       *         "url": null
       *       }
       *     ]
       */
      variants: components['schemas']['VariantResultDto'][];
      /** @example 1024 */
      width: number | null;
    };
    ImageReuseDto: {
      /**
       * @description `not-modified`: the URL answered 304 to the validators kept from the earlier request; `same-bytes`: the downloaded bytes were those of a result already stored, whatever its URL.
       * @example not-modified
       * @enum {string}
       */
      reason: 'not-modified' | 'same-bytes';
      /**
       * @description The earlier request whose stored result was copied to this image.
       * @example 0b6f1c2e-8a4d-4f3b-9c57-2e1d0a9b8c7f
       */
      request_id: string;
    };
    ImageSlotDto: {
      /**
       * @description Position of the URL in its row, 1-based.
       * @example 1
       */
      position: number;
      /**
       * @description Product row, 1-based, in CSV order.
       * @example 1
       */
      row: number;
    };
    ProgressDto: {
      /**
       * @description Images never processed: the request was cancelled.
       * @example 0
       */
      cancelled: number;
      /** @example 1 */
      failed: number;
      /** @example 2 */
      pending: number;
      /**
       * @description processed / total, in percent.
       * @example 66.7
       */
      percent: number;
      /**
       * @description Images finished: compressed, failed or cancelled.
       * @example 4
       */
      processed: number;
      /**
       * @description Succeeded images whose result was copied from an earlier request of the same owner instead of being encoded again.
       * @example 1
       */
      reused: number;
      /** @example 3 */
      succeeded: number;
      /**
       * @description Images in the request.
       * @example 6
       */
      total: number;
    };
    QualityScoresDto: {
      /**
       * @description Mean score of those images, in four decimals.
       * @example 0.9654
       */
      mean: number;
      /**
       * @description The lowest score among them.
       * @example 0.9411
       */
      min: number;
      /**
       * @description Images with a score.
       * @example 3
       */
      scored: number;
    };
    RequestListDto: {
      /** @description Newest first. */
      items: components['schemas']['RequestListItemDto'][];
      /** @example 20 */
      limit: number;
      /**
       * Format: uri
       * @description The next, older page; null after the last.
       * @example http://localhost:3000/requests?before=3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a&limit=20
       */
      next: string | null;
    };
    RequestListItemDto: {
      /**
       * Format: date-time
       * @description When it was asked to stop; it ends `Cancelled` once the images in hand are done.
       * @example null
       */
      cancelled_at: string | null;
      /**
       * Format: date-time
       * @description When it finished (its last image, or its cancellation); null until then.
       * @example null
       */
      completed_at: string | null;
      /**
       * Format: date-time
       * @example 2025-11-25T10:00:00.000Z
       */
      created_at: string;
      /**
       * @description The name of the uploaded file, as the client sent it (without control characters, cut to 255 characters); null when it sent none.
       * @example products.csv
       */
      file_name: string | null;
      /**
       * @description Where the output CSV can be downloaded, once the request has finished.
       * @example null
       */
      output_csv_url: string | null;
      progress: components['schemas']['ProgressDto'];
      /**
       * @description Where the report CSV (one row per image: bytes, qualities, score, result) can be downloaded, once the request has finished.
       * @example null
       */
      report_csv_url: string | null;
      /**
       * Format: uuid
       * @example 3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a
       */
      request_id: string;
      /**
       * @description How many times its failed and cancelled images were tried again.
       * @example 0
       */
      retries: number;
      scores: components['schemas']['QualityScoresDto'] | null;
      /**
       * @example Processing
       * @enum {string}
       */
      status: 'Pending' | 'Processing' | 'Completed' | 'Failed' | 'Cancelled';
      /**
       * Format: uri
       * @description The status of the request, with its images.
       * @example http://localhost:3000/status/3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a
       */
      status_url: string;
      /**
       * Format: date-time
       * @example 2025-11-25T10:00:05.000Z
       */
      updated_at: string;
      variants: components['schemas']['VariantCountsDto'] | null;
      webhook: components['schemas']['WebhookStateDto'] | null;
      /** @example null */
      webhook_url: string | null;
    };
    RequestSummaryDto: {
      /**
       * Format: date-time
       * @description When it was asked to stop; it ends `Cancelled` once the images in hand are done.
       * @example null
       */
      cancelled_at: string | null;
      /**
       * Format: date-time
       * @description When it finished (its last image, or its cancellation); null until then.
       * @example null
       */
      completed_at: string | null;
      /**
       * Format: date-time
       * @example 2025-11-25T10:00:00.000Z
       */
      created_at: string;
      /**
       * @description The name of the uploaded file, as the client sent it (without control characters, cut to 255 characters); null when it sent none.
       * @example products.csv
       */
      file_name: string | null;
      /**
       * @description Where the output CSV can be downloaded, once the request has finished.
       * @example null
       */
      output_csv_url: string | null;
      progress: components['schemas']['ProgressDto'];
      /**
       * @description Where the report CSV (one row per image: bytes, qualities, score, result) can be downloaded, once the request has finished.
       * @example null
       */
      report_csv_url: string | null;
      /**
       * Format: uuid
       * @example 3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a
       */
      request_id: string;
      /**
       * @description How many times its failed and cancelled images were tried again.
       * @example 0
       */
      retries: number;
      scores: components['schemas']['QualityScoresDto'] | null;
      /**
       * @example Processing
       * @enum {string}
       */
      status: 'Pending' | 'Processing' | 'Completed' | 'Failed' | 'Cancelled';
      /**
       * Format: date-time
       * @example 2025-11-25T10:00:05.000Z
       */
      updated_at: string;
      variants: components['schemas']['VariantCountsDto'] | null;
      webhook: components['schemas']['WebhookStateDto'] | null;
      /** @example null */
      webhook_url: string | null;
    };
    StatusResponseDto: {
      /**
       * Format: date-time
       * @description When it was asked to stop; it ends `Cancelled` once the images in hand are done.
       * @example null
       */
      cancelled_at: string | null;
      /**
       * Format: date-time
       * @description When it finished (its last image, or its cancellation); null until then.
       * @example null
       */
      completed_at: string | null;
      /**
       * Format: date-time
       * @example 2025-11-25T10:00:00.000Z
       */
      created_at: string;
      /**
       * @description The name of the uploaded file, as the client sent it (without control characters, cut to 255 characters); null when it sent none.
       * @example products.csv
       */
      file_name: string | null;
      /** @description One page of per-image results. */
      images: components['schemas']['ImagePageDto'];
      /**
       * @description Where the output CSV can be downloaded, once the request has finished.
       * @example null
       */
      output_csv_url: string | null;
      progress: components['schemas']['ProgressDto'];
      /**
       * @description Where the report CSV (one row per image: bytes, qualities, score, result) can be downloaded, once the request has finished.
       * @example null
       */
      report_csv_url: string | null;
      /**
       * Format: uuid
       * @example 3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a
       */
      request_id: string;
      /**
       * @description How many times its failed and cancelled images were tried again.
       * @example 0
       */
      retries: number;
      scores: components['schemas']['QualityScoresDto'] | null;
      /**
       * @example Processing
       * @enum {string}
       */
      status: 'Pending' | 'Processing' | 'Completed' | 'Failed' | 'Cancelled';
      /**
       * Format: date-time
       * @example 2025-11-25T10:00:05.000Z
       */
      updated_at: string;
      variants: components['schemas']['VariantCountsDto'] | null;
      webhook: components['schemas']['WebhookStateDto'] | null;
      /** @example null */
      webhook_url: string | null;
    };
    UploadAcceptedDto: {
      /**
       * Format: uuid
       * @example 3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a
       */
      request_id: string;
      /**
       * @example Pending
       * @enum {string}
       */
      status: 'Pending' | 'Processing' | 'Completed' | 'Failed' | 'Cancelled';
      /**
       * Format: uri
       * @description Where to follow the request (`GET /status/{requestId}`).
       * @example http://localhost:3000/status/3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a
       */
      status_url: string;
    };
    UploadCsvBodyDto: {
      /**
       * Format: binary
       * @description UTF-8 CSV with the header `S. No.,Product Name,Input Image Urls`. The third column holds one or more http(s) image URLs separated by commas (quote the cell when there are several). Every problem is reported at once, with its line. Example:
       *
       *     ```csv
       *     S. No.,Product Name,Input Image Urls
       *     1,SKU1,"https://images.example.com/a.jpg, https://images.example.com/b.jpg"
       *     2,SKU2,https://images.example.com/c.png
       *     ```
       */
      file: Blob;
      /**
       * @description `true` downloads and encodes every image afresh, reusing no result of an earlier request (see REUSE_RESULTS).
       * @example false
       * @enum {string}
       */
      refresh?: 'true' | 'false';
      /**
       * @description Modern formats to offer next to each same-format output: `webp`, `avif` or both, comma-separated; `none` for none. Each variant is encoded at the lowest quality whose score reaches the same-format output's, and kept only when it is smaller. Missing or empty: the `OUTPUT_VARIANTS` setting.
       * @example webp,avif
       */
      variants?: string;
      /**
       * Format: uri
       * @description Called with a POST of the final status once every image has been processed, e.g. `https://example.com/hooks/images`.
       * @example https://example.com/hooks/images
       */
      webhook_url?: string;
    };
    VariantCountsDto: {
      /**
       * @description Dropped, each with a reason in its image.
       * @example 3
       */
      dropped: number;
      /**
       * @example [
       *       "webp",
       *       "avif"
       *     ]
       */
      formats: ('webp' | 'avif')[];
      /**
       * @description Kept: smaller than the same-format output at its score.
       * @example 5
       */
      kept: number;
      /**
       * @description Of those, kept or dropped.
       * @example 8
       */
      processed: number;
      /**
       * @description Variants owed so far: one per compressed image and format.
       * @example 8
       */
      total: number;
    };
    VariantResultDto: {
      /**
       * @description The variant's size; for a `not-smaller` one, the size it would have had.
       * @example 30112
       */
      bytes: number | null;
      /**
       * @example avif
       * @enum {string}
       */
      format: 'webp' | 'avif';
      /**
       * @description The encoder quality (1–100) chosen to reach the same-format output's score.
       * @example 58
       */
      quality: number | null;
      /**
       * @description Why it was dropped: `not-smaller` (not smaller than the same-format output at its score), `below-score` (no quality reached that score), `too-large` (AVIF above `AVIF_MAX_MEGAPIXELS`), `animated` (animations get no variant), `same-format`, `not-scored` (too small to score), `cancelled`, or `failed`.
       * @example null
       * @enum {string|null}
       */
      reason:
        | 'not-smaller'
        | 'below-score'
        | 'too-large'
        | 'animated'
        | 'same-format'
        | 'not-scored'
        | 'cancelled'
        | 'failed'
        | null;
      /**
       * @description Its score against the source, taken as the same-format output's is: at least that output's score when kept.
       * @example 0.9731
       */
      score: number | null;
      /**
       * @description `Pending` until encoded; `Kept` when stored; `Dropped` with a `reason`.
       * @example Kept
       * @enum {string}
       */
      status: 'Pending' | 'Kept' | 'Dropped';
      /**
       * Format: uri
       * @description Where the variant is downloaded, beside the same-format output; null unless kept.
       * @example http://localhost:3000/images/3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a/1-1.avif
       */
      url: string | null;
    };
    WebhookData: {
      /**
       * @description Images never processed: the request was cancelled.
       * @example 0
       */
      cancelled_images: number;
      /**
       * Format: date-time
       * @example 2025-11-25T10:00:12.000Z
       */
      completed_at: string | null;
      /**
       * Format: date-time
       * @example 2025-11-25T10:00:00.000Z
       */
      created_at: string;
      /** @example 1 */
      failed_images: number;
      /** @example http://localhost:3000/status/3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a/output.csv */
      output_csv_url: string;
      /**
       * @description Images finished, compressed or failed.
       * @example 2
       */
      processed_images: number;
      /**
       * @description Products in the request.
       * @example 2
       */
      product_count: number;
      /** @description Every product, in CSV order, when the request has at most `WEBHOOK_MAX_PRODUCTS` (default 1000) products; empty for a larger request, whose results are in the output CSV. */
      products: components['schemas']['WebhookProductDto'][];
      /**
       * Format: uuid
       * @example 3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a
       */
      request_id: string;
      /**
       * @description How many times the failed and cancelled images were tried again.
       * @example 0
       */
      retries: number;
      /**
       * @description `Failed` only when every image failed; `Cancelled` when the request was cancelled before its every image was processed.
       * @example Completed
       */
      status: components['schemas']['WebhookRequestStatus'];
      /** @example http://localhost:3000/status/3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a */
      status_url: string;
      /** @example 2 */
      total_images: number;
      variants: components['schemas']['WebhookProduct'] | null;
    };
    /** @enum {string} */
    WebhookEventType:
      'image_processing.completed' | 'image_processing.failed' | 'image_processing.cancelled';
    /** @description The JSON body POSTed to `webhook_url` once every image of a request has been processed, or once a cancelled request has stopped (`image_processing.cancelled`); again each time a retried request finishes. Sent with the Standard Webhooks headers `webhook-id`, `webhook-timestamp` and, when the service has a `WEBHOOK_SECRET`, `webhook-signature`. */
    WebhookPayload: {
      data: components['schemas']['WebhookData'];
      /**
       * Format: date-time
       * @description When this payload was built.
       * @example 2025-11-25T10:00:12.345Z
       */
      timestamp: string;
      /** @example image_processing.completed */
      type: components['schemas']['WebhookEventType'];
    };
    WebhookProduct: {
      /** @example 1 */
      dropped: number;
      /** @example 3 */
      kept: number;
      /** @example 4 */
      total: number;
    };
    WebhookProductDto: {
      /**
       * @example [
       *       "https://images.example.com/a.jpg",
       *       "https://images.example.com/b.jpg"
       *     ]
       */
      input_image_urls: string[];
      /**
       * @description In input order; null where that image failed.
       * @example [
       *       "http://localhost:3000/images/3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a/1-1.jpg",
       *       null
       *     ]
       */
      output_image_urls: (string | null)[];
      /** @example SKU1 */
      product_name: string;
      /** @example 1 */
      serial_number: string;
    };
    /**
     * @description `Failed` only when every image failed; `Cancelled` when the request was cancelled before its every image was processed.
     * @enum {string}
     */
    WebhookRequestStatus: 'Completed' | 'Failed' | 'Cancelled';
    WebhookStateDto: {
      /**
       * @description Delivery attempts made so far.
       * @example 1
       */
      attempts: number;
      /**
       * @description What went wrong with the last attempt.
       * @example null
       */
      last_error: string | null;
      /**
       * Format: date-time
       * @description When the next attempt is due, while the webhook is pending.
       * @example null
       */
      next_attempt_at: string | null;
      status: components['schemas']['WebhookStatus'] | null;
      /** @example https://example.com/hooks/images */
      url: string;
    };
    /**
     * @description Null until the request finishes; then pending until delivered or failed.
     * @enum {string}
     */
    WebhookStatus: 'pending' | 'delivered' | 'failed';
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type SchemaCsvProblemDto = components['schemas']['CsvProblemDto'];
export type SchemaCsvValidationErrorDto = components['schemas']['CsvValidationErrorDto'];
export type SchemaErrorDetailDto = components['schemas']['ErrorDetailDto'];
export type SchemaErrorResponseDto = components['schemas']['ErrorResponseDto'];
export type SchemaImagePageDto = components['schemas']['ImagePageDto'];
export type SchemaImageResultDto = components['schemas']['ImageResultDto'];
export type SchemaImageReuseDto = components['schemas']['ImageReuseDto'];
export type SchemaImageSlotDto = components['schemas']['ImageSlotDto'];
export type SchemaProgressDto = components['schemas']['ProgressDto'];
export type SchemaQualityScoresDto = components['schemas']['QualityScoresDto'];
export type SchemaRequestListDto = components['schemas']['RequestListDto'];
export type SchemaRequestListItemDto = components['schemas']['RequestListItemDto'];
export type SchemaRequestSummaryDto = components['schemas']['RequestSummaryDto'];
export type SchemaStatusResponseDto = components['schemas']['StatusResponseDto'];
export type SchemaUploadAcceptedDto = components['schemas']['UploadAcceptedDto'];
export type SchemaUploadCsvBodyDto = components['schemas']['UploadCsvBodyDto'];
export type SchemaVariantCountsDto = components['schemas']['VariantCountsDto'];
export type SchemaVariantResultDto = components['schemas']['VariantResultDto'];
export type SchemaWebhookData = components['schemas']['WebhookData'];
export type SchemaWebhookEventType = components['schemas']['WebhookEventType'];
export type SchemaWebhookPayload = components['schemas']['WebhookPayload'];
export type SchemaWebhookProduct = components['schemas']['WebhookProduct'];
export type SchemaWebhookProductDto = components['schemas']['WebhookProductDto'];
export type SchemaWebhookRequestStatus = components['schemas']['WebhookRequestStatus'];
export type SchemaWebhookStateDto = components['schemas']['WebhookStateDto'];
export type SchemaWebhookStatus = components['schemas']['WebhookStatus'];
export type $defs = Record<string, never>;
export interface operations {
  getLiveness: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The Health Check is successful */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /**
             * @example {
             *       "database": {
             *         "status": "up"
             *       }
             *     }
             */
            details?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            };
            /** @example {} */
            error?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            } | null;
            /**
             * @example {
             *       "database": {
             *         "status": "up"
             *       }
             *     }
             */
            info?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            } | null;
            /** @example ok */
            status?: string;
          };
        };
      };
      /** @description Unexpected failure; the details are in the server log only. */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @example Internal Server Error */
            error: string;
            /** @example Internal server error */
            message: string;
            /** @example 500 */
            statusCode: number;
          };
        };
      };
      /** @description The Health Check is not successful */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /**
             * @example {
             *       "database": {
             *         "status": "up"
             *       },
             *       "redis": {
             *         "message": "Could not connect",
             *         "status": "down"
             *       }
             *     }
             */
            details?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            };
            /**
             * @example {
             *       "redis": {
             *         "message": "Could not connect",
             *         "status": "down"
             *       }
             *     }
             */
            error?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            } | null;
            /**
             * @example {
             *       "database": {
             *         "status": "up"
             *       }
             *     }
             */
            info?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            } | null;
            /** @example error */
            status?: string;
          };
        };
      };
    };
  };
  getReadiness: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The Health Check is successful */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /**
             * @example {
             *       "database": {
             *         "status": "up"
             *       }
             *     }
             */
            details?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            };
            /** @example {} */
            error?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            } | null;
            /**
             * @example {
             *       "database": {
             *         "status": "up"
             *       }
             *     }
             */
            info?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            } | null;
            /** @example ok */
            status?: string;
          };
        };
      };
      /** @description Unexpected failure; the details are in the server log only. */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @example Internal Server Error */
            error: string;
            /** @example Internal server error */
            message: string;
            /** @example 500 */
            statusCode: number;
          };
        };
      };
      /** @description The Health Check is not successful */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /**
             * @example {
             *       "database": {
             *         "status": "up"
             *       },
             *       "redis": {
             *         "message": "Could not connect",
             *         "status": "down"
             *       }
             *     }
             */
            details?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            };
            /**
             * @example {
             *       "redis": {
             *         "message": "Could not connect",
             *         "status": "down"
             *       }
             *     }
             */
            error?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            } | null;
            /**
             * @example {
             *       "database": {
             *         "status": "up"
             *       }
             *     }
             */
            info?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            } | null;
            /** @example error */
            status?: string;
          };
        };
      };
    };
  };
  downloadImage: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The `request_id` returned by `POST /upload`. */
        requestId: string;
        /** @description `<row>-<position>.<extension>`, as given in the output URLs. */
        fileName: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The compressed image, in the format of its input (or the original bytes when re-encoding did not make it smaller). */
      200: {
        headers: {
          'Content-Disposition'?: string;
          'Content-Length'?: number;
          [name: string]: unknown;
        };
        content: {
          'image/avif': Blob;
          'image/gif': Blob;
          'image/jpeg': Blob;
          'image/png': Blob;
          'image/webp': Blob;
        };
      };
      /** @description With `IMAGE_DELIVERY=redirect`: the image is downloaded from the bucket, at a presigned URL that expires after `IMAGE_URL_TTL_SECONDS`. */
      302: {
        headers: {
          /** @description The presigned URL of the image. */
          Location?: string;
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Malformed request id. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": "Bad Request",
           *       "message": "The request id must be a UUID such as 3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a, as returned by POST /upload",
           *       "statusCode": 400
           *     }
           */
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description The service has `API_KEYS` and the request has no valid key (`Authorization: Bearer <key>` or `X-API-Key: <key>`). A request id uploaded with another key answers 404 instead. */
      401: {
        headers: {
          'WWW-Authenticate'?: string;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": "Unauthorized",
           *       "message": "A valid API key is required: send \"Authorization: Bearer <key>\" or \"X-API-Key: <key>\"",
           *       "statusCode": 401
           *     }
           */
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description No such image (yet): it failed, is still being processed, never existed, or its request was deleted. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": "Not Found",
           *       "message": "No image 3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a/1-1.jpg",
           *       "statusCode": 404
           *     }
           */
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Unexpected failure; the details are in the server log only. */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @example Internal Server Error */
            error: string;
            /** @example Internal server error */
            message: string;
            /** @example 500 */
            statusCode: number;
          };
        };
      };
    };
  };
  listRequests: {
    parameters: {
      query?: {
        /** @description Requests per page. */
        limit?: number;
        /** @description Start after this request (the last `request_id` of the previous page) instead of at the newest; `next` gives it. */
        before?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description One page of requests, newest first. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RequestListDto'];
        };
      };
      /** @description `limit` out of range, or `before` is not one of the listed requests. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": "Bad Request",
           *       "errors": [
           *         {
           *           "field": "before",
           *           "message": "before must be the request_id of a request in this list"
           *         }
           *       ],
           *       "message": "before must be the request_id of a request in this list",
           *       "statusCode": 400
           *     }
           */
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description The service has `API_KEYS` and the request has no valid key (`Authorization: Bearer <key>` or `X-API-Key: <key>`). A request id uploaded with another key answers 404 instead. */
      401: {
        headers: {
          'WWW-Authenticate'?: string;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": "Unauthorized",
           *       "message": "A valid API key is required: send \"Authorization: Bearer <key>\" or \"X-API-Key: <key>\"",
           *       "statusCode": 401
           *     }
           */
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Unexpected failure; the details are in the server log only. */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @example Internal Server Error */
            error: string;
            /** @example Internal server error */
            message: string;
            /** @example 500 */
            statusCode: number;
          };
        };
      };
    };
  };
  deleteRequest: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The `request_id` returned by `POST /upload`. */
        requestId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Deleted: the request as it was. */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RequestSummaryDto'];
        };
      };
      /** @description Malformed request id. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": "Bad Request",
           *       "message": "The request id must be a UUID such as 3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a, as returned by POST /upload",
           *       "statusCode": 400
           *     }
           */
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description The service has `API_KEYS` and the request has no valid key (`Authorization: Bearer <key>` or `X-API-Key: <key>`). A request id uploaded with another key answers 404 instead. */
      401: {
        headers: {
          'WWW-Authenticate'?: string;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": "Unauthorized",
           *       "message": "A valid API key is required: send \"Authorization: Bearer <key>\" or \"X-API-Key: <key>\"",
           *       "statusCode": 401
           *     }
           */
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Unknown or deleted request id, or a request of another API key. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": "Not Found",
           *       "message": "No request with id 3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a",
           *       "statusCode": 404
           *     }
           */
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Unexpected failure; the details are in the server log only. */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @example Internal Server Error */
            error: string;
            /** @example Internal server error */
            message: string;
            /** @example 500 */
            statusCode: number;
          };
        };
      };
    };
  };
  cancelRequest: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The `request_id` returned by `POST /upload`. */
        requestId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Cancelled: the request as it stands, until the images in hand are done. */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RequestSummaryDto'];
        };
      };
      /** @description Malformed request id. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": "Bad Request",
           *       "message": "The request id must be a UUID such as 3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a, as returned by POST /upload",
           *       "statusCode": 400
           *     }
           */
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description The service has `API_KEYS` and the request has no valid key (`Authorization: Bearer <key>` or `X-API-Key: <key>`). A request id uploaded with another key answers 404 instead. */
      401: {
        headers: {
          'WWW-Authenticate'?: string;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": "Unauthorized",
           *       "message": "A valid API key is required: send \"Authorization: Bearer <key>\" or \"X-API-Key: <key>\"",
           *       "statusCode": 401
           *     }
           */
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Unknown or deleted request id, or a request of another API key. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": "Not Found",
           *       "message": "No request with id 3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a",
           *       "statusCode": 404
           *     }
           */
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description The request has already finished (other than by a cancellation). */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": "Conflict",
           *       "message": "Request 3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a has finished (Completed); only a running request can be cancelled",
           *       "statusCode": 409
           *     }
           */
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Unexpected failure; the details are in the server log only. */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @example Internal Server Error */
            error: string;
            /** @example Internal server error */
            message: string;
            /** @example 500 */
            statusCode: number;
          };
        };
      };
    };
  };
  retryRequest: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The `request_id` returned by `POST /upload`. */
        requestId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Retrying. */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RequestSummaryDto'];
        };
      };
      /** @description Malformed request id. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": "Bad Request",
           *       "message": "The request id must be a UUID such as 3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a, as returned by POST /upload",
           *       "statusCode": 400
           *     }
           */
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description The service has `API_KEYS` and the request has no valid key (`Authorization: Bearer <key>` or `X-API-Key: <key>`). A request id uploaded with another key answers 404 instead. */
      401: {
        headers: {
          'WWW-Authenticate'?: string;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": "Unauthorized",
           *       "message": "A valid API key is required: send \"Authorization: Bearer <key>\" or \"X-API-Key: <key>\"",
           *       "statusCode": 401
           *     }
           */
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Unknown or deleted request id, or a request of another API key. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": "Not Found",
           *       "message": "No request with id 3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a",
           *       "statusCode": 404
           *     }
           */
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description The request has not finished, or is being retried already. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": "Conflict",
           *       "message": "Request 3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a is Processing; only a Completed, Failed or Cancelled request can be retried",
           *       "statusCode": 409
           *     }
           */
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Unexpected failure; the details are in the server log only. */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @example Internal Server Error */
            error: string;
            /** @example Internal server error */
            message: string;
            /** @example 500 */
            statusCode: number;
          };
        };
      };
    };
  };
  getStatus: {
    parameters: {
      query?: {
        /** @description Page of the image list, from 1. */
        page?: number;
        /** @description Images per page. */
        limit?: number;
        /** @description Start after the image at this place in the output (the `ordinal` of the last image of the previous page), instead of at `page`; `images.next` gives it. */
        after?: number;
      };
      header?: never;
      path: {
        /** @description The `request_id` returned by `POST /upload`. */
        requestId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The request, its progress and one page of per-image results. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['StatusResponseDto'];
        };
      };
      /** @description Malformed request id, or `page` or `limit` out of range. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description The service has `API_KEYS` and the request has no valid key (`Authorization: Bearer <key>` or `X-API-Key: <key>`). A request id uploaded with another key answers 404 instead. */
      401: {
        headers: {
          'WWW-Authenticate'?: string;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": "Unauthorized",
           *       "message": "A valid API key is required: send \"Authorization: Bearer <key>\" or \"X-API-Key: <key>\"",
           *       "statusCode": 401
           *     }
           */
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Unknown request id. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": "Not Found",
           *       "message": "No request with id 3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a",
           *       "statusCode": 404
           *     }
           */
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Unexpected failure; the details are in the server log only. */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @example Internal Server Error */
            error: string;
            /** @example Internal server error */
            message: string;
            /** @example 500 */
            statusCode: number;
          };
        };
      };
    };
  };
  streamStatusEvents: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The `request_id` returned by `POST /upload`. */
        requestId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description `progress` events while the request runs, one `finished` event, then the end of the stream. The `data` of each is a `RequestSummaryDto`. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example event: progress
           *     id: 1
           *     retry: 3000
           *     data: {"request_id":"3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a","status":"Processing","file_name":"products.csv","progress":{"total":4,"processed":1,"succeeded":1,"failed":0,"cancelled":0,"pending":3,"reused":0,"percent":25},"retries":0,"cancelled_at":null,"scores":{"scored":1,"mean":0.9654,"min":0.9411},"variants":null,"output_csv_url":null,"report_csv_url":null,"webhook_url":"https://example.com/hooks/images","webhook":{"url":"https://example.com/hooks/images","status":null,"attempts":0,"last_error":null,"next_attempt_at":null},"created_at":"2025-11-25T10:00:00.000Z","updated_at":"2025-11-25T10:00:02.000Z","completed_at":null}
           *
           *     : keep-alive
           *
           *     event: progress
           *     id: 3
           *     data: {"request_id":"3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a","status":"Processing","file_name":"products.csv","progress":{"total":4,"processed":3,"succeeded":2,"failed":1,"cancelled":0,"pending":1,"reused":0,"percent":75},"retries":0,"cancelled_at":null,"scores":{"scored":2,"mean":0.9654,"min":0.9411},"variants":null,"output_csv_url":null,"report_csv_url":null,"webhook_url":"https://example.com/hooks/images","webhook":{"url":"https://example.com/hooks/images","status":null,"attempts":0,"last_error":null,"next_attempt_at":null},"created_at":"2025-11-25T10:00:00.000Z","updated_at":"2025-11-25T10:00:02.000Z","completed_at":null}
           *
           *     event: finished
           *     id: 4
           *     data: {"request_id":"3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a","status":"Completed","file_name":"products.csv","progress":{"total":4,"processed":4,"succeeded":3,"failed":1,"cancelled":0,"pending":0,"reused":0,"percent":100},"retries":0,"cancelled_at":null,"scores":{"scored":3,"mean":0.9654,"min":0.9411},"variants":null,"output_csv_url":"http://localhost:3000/status/3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a/output.csv","report_csv_url":"http://localhost:3000/status/3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a/report.csv","webhook_url":"https://example.com/hooks/images","webhook":{"url":"https://example.com/hooks/images","status":"pending","attempts":0,"last_error":null,"next_attempt_at":null},"created_at":"2025-11-25T10:00:00.000Z","updated_at":"2025-11-25T10:00:05.000Z","completed_at":"2025-11-25T10:00:05.000Z"}
           */
          'text/event-stream': string;
        };
      };
      /** @description Malformed request id; answered before any event, as JSON. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": "Bad Request",
           *       "message": "The request id must be a UUID such as 3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a, as returned by POST /upload",
           *       "statusCode": 400
           *     }
           */
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description The service has `API_KEYS` and the request has no valid key (`Authorization: Bearer <key>` or `X-API-Key: <key>`). A request id uploaded with another key answers 404 instead. */
      401: {
        headers: {
          'WWW-Authenticate'?: string;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": "Unauthorized",
           *       "message": "A valid API key is required: send \"Authorization: Bearer <key>\" or \"X-API-Key: <key>\"",
           *       "statusCode": 401
           *     }
           */
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Unknown request id; answered before any event, as JSON. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": "Not Found",
           *       "message": "No request with id 3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a",
           *       "statusCode": 404
           *     }
           */
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Unexpected failure; the details are in the server log only. */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @example Internal Server Error */
            error: string;
            /** @example Internal server error */
            message: string;
            /** @example 500 */
            statusCode: number;
          };
        };
      };
    };
  };
  downloadOutputCsv: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The `request_id` returned by `POST /upload`. */
        requestId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The output CSV, once the request has finished: the input rows in order, with the compressed image URLs in the same order as the inputs (empty where an image failed). */
      200: {
        headers: {
          /** @description Saves the file as `<requestId>.csv`. */
          'Content-Disposition'?: string;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example S. No.,Product Name,Input Image Urls,Output Image Urls
           *     1,SKU1,"https://images.example.com/a.jpg, https://images.example.com/b.jpg","http://localhost:3000/images/3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a/1-1.jpg, "
           */
          'text/csv': string;
        };
      };
      /** @description With `IMAGE_DELIVERY=redirect`: the CSV is downloaded from the bucket, at a presigned URL that expires after `IMAGE_URL_TTL_SECONDS`. */
      302: {
        headers: {
          /** @description The presigned URL of the CSV. */
          Location?: string;
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Malformed request id. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": "Bad Request",
           *       "message": "The request id must be a UUID such as 3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a, as returned by POST /upload",
           *       "statusCode": 400
           *     }
           */
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description The service has `API_KEYS` and the request has no valid key (`Authorization: Bearer <key>` or `X-API-Key: <key>`). A request id uploaded with another key answers 404 instead. */
      401: {
        headers: {
          'WWW-Authenticate'?: string;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": "Unauthorized",
           *       "message": "A valid API key is required: send \"Authorization: Bearer <key>\" or \"X-API-Key: <key>\"",
           *       "statusCode": 401
           *     }
           */
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Unknown request id. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": "Not Found",
           *       "message": "No request with id 3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a",
           *       "statusCode": 404
           *     }
           */
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description The request is still `Pending` or `Processing`; try again after it finishes. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": "Conflict",
           *       "message": "Request 3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a is Processing; the output CSV is ready once it has finished",
           *       "statusCode": 409
           *     }
           */
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Unexpected failure; the details are in the server log only. */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @example Internal Server Error */
            error: string;
            /** @example Internal server error */
            message: string;
            /** @example 500 */
            statusCode: number;
          };
        };
      };
    };
  };
  downloadReportCsv: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The `request_id` returned by `POST /upload`. */
        requestId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The report CSV, once the request has finished. */
      200: {
        headers: {
          /** @description Saves the file as `<requestId>-report.csv`. */
          'Content-Disposition'?: string;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example S. No.,Product Name,Position,Input Image Url,Output Image Url,Format,Source Quality,Target Quality,Bytes In,Bytes Out,Saved %,Score,Result,Details,WebP Url,WebP Bytes,WebP Score,AVIF Url,AVIF Bytes,AVIF Score,Variants Dropped
           *     1,SKU1,1,https://images.example.com/a.jpg,http://localhost:3000/images/3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a/1-1.jpg,jpeg,90,45,184233,61022,66.9,0.9712,Compressed,
           *     1,SKU1,2,https://images.example.com/b.jpg,,,,,,,,,Failed,Download failed with HTTP 404
           */
          'text/csv': string;
        };
      };
      /** @description Malformed request id. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": "Bad Request",
           *       "message": "The request id must be a UUID such as 3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a, as returned by POST /upload",
           *       "statusCode": 400
           *     }
           */
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description The service has `API_KEYS` and the request has no valid key (`Authorization: Bearer <key>` or `X-API-Key: <key>`). A request id uploaded with another key answers 404 instead. */
      401: {
        headers: {
          'WWW-Authenticate'?: string;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": "Unauthorized",
           *       "message": "A valid API key is required: send \"Authorization: Bearer <key>\" or \"X-API-Key: <key>\"",
           *       "statusCode": 401
           *     }
           */
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Unknown request id. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": "Not Found",
           *       "message": "No request with id 3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a",
           *       "statusCode": 404
           *     }
           */
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description The request is still `Pending` or `Processing`; try again after it finishes. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": "Conflict",
           *       "message": "Request 3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a is Processing; the report is ready once it has finished",
           *       "statusCode": 409
           *     }
           */
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Unexpected failure; the details are in the server log only. */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @example Internal Server Error */
            error: string;
            /** @example Internal server error */
            message: string;
            /** @example 500 */
            statusCode: number;
          };
        };
      };
    };
  };
  uploadCsv: {
    parameters: {
      query?: {
        /** @description Called with a POST of the final status once every image has been processed, e.g. `https://example.com/hooks/images`. Used when the form has no `webhook_url`. */
        webhook_url?: string;
      };
      header?: {
        /** @description Makes the upload safe to retry, as the IETF httpapi Idempotency-Key draft describes: a Structured Field String of 1 to 255 printable ASCII characters, such as `"8e03978e-40d5-43e8-bc93-6894a57f9324"` (the quotes may be left out); a new UUID per upload is best. Keys belong to the API key that sends them. For `IDEMPOTENCY_KEY_TTL_HOURS` (24 by default) after an upload with a key is stored, a retry with the same key, the same file, `webhook_url`, `refresh` and `variants` answers `202` with the request that upload created and `Idempotent-Replayed: true`, creating nothing; the same key with another file, `webhook_url`, `refresh` or `variants` answers `422`; while the first upload with the key is still being received or stored, `409`. An upload that fails (`400`, `413`...) leaves its key free. */
        'Idempotency-Key'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'multipart/form-data': components['schemas']['UploadCsvBodyDto'];
      };
    };
    responses: {
      /** @description Accepted for processing; poll `status_url` or wait for the webhook. The answer to a retry with an `Idempotency-Key` already used gives the request that the first upload created, with its status now. */
      202: {
        headers: {
          /** @description `true` when the request was created by an earlier upload with the same `Idempotency-Key`; absent otherwise. */
          'Idempotent-Replayed'?: 'true';
          /** @description The same URL as `status_url`. */
          Location?: string;
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UploadAcceptedDto'];
        };
      };
      /** @description The CSV is not valid (`CsvValidationErrorDto`, every problem listed with its line), or the form is wrong: no `file`, another file field, or an invalid `webhook_url` (`ErrorResponseDto`), or the `Idempotency-Key` header is not a valid key. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json':
            | components['schemas']['CsvValidationErrorDto']
            | components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description The service has `API_KEYS` and the request has no valid key (`Authorization: Bearer <key>` or `X-API-Key: <key>`). A request id uploaded with another key answers 404 instead. */
      401: {
        headers: {
          'WWW-Authenticate'?: string;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": "Unauthorized",
           *       "message": "A valid API key is required: send \"Authorization: Bearer <key>\" or \"X-API-Key: <key>\"",
           *       "statusCode": 401
           *     }
           */
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description An upload with the same `Idempotency-Key` is still under way. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": "Conflict",
           *       "message": "An upload with this Idempotency-Key is still being received or stored; retry once it has been answered",
           *       "statusCode": 409
           *     }
           */
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description The file is larger than `UPLOAD_MAX_BYTES`; `max_bytes` gives that limit exactly, the message in binary units. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": "Payload Too Large",
           *       "max_bytes": 268435456,
           *       "message": "The file is larger than 256 MiB, the most one upload may be",
           *       "statusCode": 413
           *     }
           */
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description The `Idempotency-Key` was used for an upload with another file, `webhook_url`, `refresh` or `variants`. */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": "Unprocessable Entity",
           *       "message": "This Idempotency-Key was used for an upload with another file, webhook_url or refresh; send a new key with a new upload",
           *       "statusCode": 422
           *     }
           */
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description More than `UPLOAD_RATE_LIMIT` uploads in `UPLOAD_RATE_WINDOW_MS` from this API key (or, without API keys, from this address). */
      429: {
        headers: {
          /** @description Seconds to wait before the next upload. */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": "Too Many Requests",
           *       "message": "Too many uploads: at most 60 every 60 s from one API key or address; try again after the Retry-After header’s seconds",
           *       "statusCode": 429
           *     }
           */
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Unexpected failure; the details are in the server log only. */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @example Internal Server Error */
            error: string;
            /** @example Internal server error */
            message: string;
            /** @example 500 */
            statusCode: number;
          };
        };
      };
    };
  };
  imageProcessingFinished: {
    parameters: {
      query?: never;
      header: {
        /** @description Unique per request (and per retry of the request) and the same on every attempt. */
        'webhook-id': string;
        /** @description Unix time, in seconds, when this attempt was signed. */
        'webhook-timestamp': string;
        /** @description Sent when the service has a `WEBHOOK_SECRET` (`whsec_<base64 key>`): `v1,` then the base64 HMAC-SHA256 of `${webhook-id}.${webhook-timestamp}.${raw body}`. */
        'webhook-signature'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['WebhookPayload'];
      };
    };
    responses: {
      /** @description Received; the delivery is done. */
      '2XX': {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Refused for good, except 408 and 429, which are retried. */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Retried later (`Retry-After` is honoured). */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
}
