/**
 * The mean structural similarity (SSIM) of two 8-bit greyscale images of the same size, as Wang
 * et al. (2004) define it and scikit-image computes it with `structural_similarity(
 * gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=255)`: local means,
 * variances and covariance under an 11×11 Gaussian window (σ = 1.5, normalised), K1 = 0.01,
 * K2 = 0.03, averaged over the pixels whose window lies wholly inside the image. scikit-image
 * filters the whole image with reflected borders and then crops those border pixels away, so
 * the border handling never reaches the mean, and here the border pixels are never computed.
 *
 * The window is separable: for each output row, the 11 rows under it are filtered down, for every
 * pixel across, and then that filtered row across, at each output pixel. The work is done in bands
 * of output rows, and the event loop is given back between bands, so that a 1-megapixel image
 * never holds it for long.
 *
 * With `step` above 1, the map is averaged over every step-th pixel of every step-th row, and
 * only those rows are filtered down and only those pixels across, so the work falls by the step:
 * each of those pixels' statistics is exact, and the map, being filtered, is smooth, so on a
 * photograph of many such pixels its mean moves by far less than the agreement promised.
 */

const SIGMA = 1.5;
const RADIUS = 5;
const WINDOW = 2 * RADIUS + 1;
const DATA_RANGE = 255;
const C1 = (0.01 * DATA_RANGE) ** 2;
const C2 = (0.03 * DATA_RANGE) ** 2;
/** Output rows computed between two returns to the event loop. */
const ROWS_PER_BAND = 64;

/** The statistics filtered down the window: mean of x, of y, of x², of y², of xy. */
const STATISTICS = 5;

const WEIGHTS = gaussianWeights();

export interface GreyImage {
  width: number;
  height: number;
  /** One byte per pixel, row by row. */
  pixels: Uint8Array;
}

export interface SimilarityOptions {
  /** Distance between the pixels of the map that are averaged, across and down; 1 for all. */
  step?: number;
  yieldToEventLoop?: () => Promise<void>;
}

export async function structuralSimilarity(
  reference: GreyImage,
  distorted: GreyImage,
  { step = 1, yieldToEventLoop = nextTurn }: SimilarityOptions = {},
): Promise<number> {
  const { width, height } = reference;
  if (distorted.width !== width || distorted.height !== height) {
    throw new Error(
      `Cannot compare a ${width}×${height} image with a ${distorted.width}×${distorted.height} one`,
    );
  }
  if (width < WINDOW || height < WINDOW) {
    throw new Error(`SSIM needs at least ${WINDOW}×${WINDOW} pixels, not ${width}×${height}`);
  }
  if (!Number.isInteger(step) || step < 1) throw new Error(`Invalid step ${step}`);
  // The pixels whose window lies inside the image, and of those, the ones averaged.
  const columns = Math.ceil((width - 2 * RADIUS) / step);
  const sampledRows = Math.ceil((height - 2 * RADIUS) / step);
  // down[statistic * width + x]: the window's rows filtered down, for every pixel of the row.
  const down = new Float64Array(STATISTICS * width);
  let total = 0;
  for (let sampled = 0; sampled < sampledRows; sampled++) {
    filterDown(reference.pixels, distorted.pixels, width, sampled * step, down);
    total += similarityAcross(down, width, step, columns);
    if ((sampled + 1) % ROWS_PER_BAND === 0) await yieldToEventLoop();
  }
  return total / (columns * sampledRows);
}

/**
 * The five statistics of the 11 rows from `top` down, filtered down, for every pixel across. The
 * sums are kept in registers down each column; the 11 rows lie within a few kilobytes.
 */
function filterDown(
  x: Uint8Array,
  y: Uint8Array,
  width: number,
  top: number,
  into: Float64Array,
): void {
  const topStart = top * width;
  for (let column = 0; column < width; column++) {
    let sumX = 0;
    let sumY = 0;
    let sumXX = 0;
    let sumYY = 0;
    let sumXY = 0;
    for (let tap = 0, at = topStart + column; tap < WINDOW; tap++, at += width) {
      const weight = WEIGHTS[tap];
      const valueX = x[at];
      const valueY = y[at];
      const weightedX = weight * valueX;
      const weightedY = weight * valueY;
      sumX += weightedX;
      sumY += weightedY;
      sumXX += weightedX * valueX;
      sumYY += weightedY * valueY;
      sumXY += weightedX * valueY;
    }
    into[column] = sumX;
    into[width + column] = sumY;
    into[2 * width + column] = sumXX;
    into[3 * width + column] = sumYY;
    into[4 * width + column] = sumXY;
  }
}

/** The sum of the SSIM map at every step-th pixel of one output row, from its rows filtered down. */
function similarityAcross(
  down: Float64Array,
  width: number,
  step: number,
  columns: number,
): number {
  let total = 0;
  for (let column = 0; column < columns; column++) {
    let meanX = 0;
    let meanY = 0;
    let meanXX = 0;
    let meanYY = 0;
    let meanXY = 0;
    const start = column * step;
    for (let tap = 0; tap < WINDOW; tap++) {
      const weight = WEIGHTS[tap];
      const at = start + tap;
      meanX += weight * down[at];
      meanY += weight * down[width + at];
      meanXX += weight * down[2 * width + at];
      meanYY += weight * down[3 * width + at];
      meanXY += weight * down[4 * width + at];
    }
    const varianceX = meanXX - meanX * meanX;
    const varianceY = meanYY - meanY * meanY;
    const covariance = meanXY - meanX * meanY;
    total +=
      ((2 * meanX * meanY + C1) * (2 * covariance + C2)) /
      ((meanX * meanX + meanY * meanY + C1) * (varianceX + varianceY + C2));
  }
  return total;
}

/** scipy's `gaussian_filter` weights for σ = 1.5 truncated at 3.5σ: 11 taps, summing to 1. */
function gaussianWeights(): Float64Array {
  const weights = new Float64Array(WINDOW);
  let sum = 0;
  for (let offset = -RADIUS; offset <= RADIUS; offset++) {
    const weight = Math.exp(-(offset * offset) / (2 * SIGMA * SIGMA));
    weights[offset + RADIUS] = weight;
    sum += weight;
  }
  return weights.map((weight) => weight / sum);
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
