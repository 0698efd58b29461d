/**
 * Deleting a large request: a catalog of `images` URLs is uploaded to a service in MODE=api (no
 * worker, so every image stays stored), then deleted. Measured: the time from the DELETE's 202
 * until the lifecycle sweep has removed its last row, read from the service's own
 * `requests_removed_total` counter, and the API's resident memory meanwhile: the rows go in
 * bounded batches, so neither should grow with the request beyond the batches' count.
 */
import { sleep } from '../test/helpers/wait-for';
import { catalogCsv, CatalogServices, URLS_PER_ROW } from './catalog';
import { uploadCsv } from './service-batch';
import { MemorySampler, ServiceProcess } from './service-process';

const UPLOAD_TIMEOUT_MS = 600_000;
const DELETION_TIMEOUT_MS = 600_000;
/** The sweep runs this often here, so that the wait for it does not hide the work itself. */
const SWEEP_INTERVAL_MS = 200;

export interface DeletionFigures {
  images: number;
  requestId: string | null;
  error: string | null;
  /** From the DELETE's 202 until the request's last row and object were removed. */
  msToRemoved: number | null;
  msToAnswer: number | null;
  /** VmRSS just before the DELETE. */
  apiBaselineRssBytes: number;
  /** Highest VmRSS sampled while the request was being removed. */
  apiPeakRssBytes: number;
}

export async function measureDeletion(
  services: CatalogServices,
  imageServerUrl: string,
  images: number,
  log: (message: string) => void,
): Promise<DeletionFigures> {
  const rows = Math.ceil(images / URLS_PER_ROW);
  const { service: api, stop } = await services.start(`delete-${images}-api`, {
    MODE: 'api',
    LIFECYCLE_SWEEP_INTERVAL_MS: String(SWEEP_INTERVAL_MS),
  });
  try {
    log(`deletion ${images}: uploading ${rows * URLS_PER_ROW} image URLs`);
    const upload = await uploadCsv(
      api.baseUrl,
      catalogCsv(imageServerUrl, rows),
      UPLOAD_TIMEOUT_MS,
    );
    const figures: DeletionFigures = {
      images: rows * URLS_PER_ROW,
      requestId: upload.requestId,
      error: upload.requestId ? null : upload.body,
      msToRemoved: null,
      msToAnswer: null,
      apiBaselineRssBytes: 0,
      apiPeakRssBytes: 0,
    };
    if (!upload.requestId) return figures;

    await sleep(1000); // the upload's garbage settles before the baseline
    const removedBefore = await requestsRemoved(api);
    figures.apiBaselineRssBytes = api.memory().rssBytes;
    const sampler = new MemorySampler(api, 50);
    sampler.start();
    try {
      log(`deletion ${images}: DELETE /requests/${upload.requestId}`);
      const started = performance.now();
      const answer = await fetch(`${api.baseUrl}/requests/${upload.requestId}`, {
        method: 'DELETE',
      });
      figures.msToAnswer = performance.now() - started;
      if (answer.status !== 202) {
        figures.error = `DELETE answered ${answer.status}: ${await answer.text()}`;
        return figures;
      }
      while ((await requestsRemoved(api)) === removedBefore) {
        if (performance.now() - started > DELETION_TIMEOUT_MS) {
          figures.error = `not removed after ${DELETION_TIMEOUT_MS / 1000} s`;
          return figures;
        }
        await sleep(100);
      }
      figures.msToRemoved = performance.now() - started;
    } finally {
      sampler.stop();
      figures.apiPeakRssBytes = Math.max(sampler.peakRssBytes, figures.apiBaselineRssBytes);
    }
    return figures;
  } finally {
    await stop();
  }
}

/** The service's count of requests removed, from its Prometheus metrics. */
async function requestsRemoved(api: ServiceProcess): Promise<number> {
  const metrics = await (await fetch(`${api.baseUrl}/metrics`)).text();
  const line = /^image_batch_requests_removed_total (\S+)$/m.exec(metrics);
  return line ? Number(line[1]) : 0;
}
