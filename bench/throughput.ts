/**
 * The service against its floor, format by format: alternating passes of sharp alone and of
 * the service on the same images (A B A B…), the best of each kept, because other work on a
 * machine comes and goes.
 */
import { RunFigures } from './figures';
import { measureFloor } from './floor';
import { ImageServer } from './image-server';
import { BenchFormat, BenchImage } from './photo-corpus';
import { measureServiceBatch, ServiceBatchFigures } from './service-batch';
import { ServiceProcess } from './service-process';

export type ImageGroup = 'all' | BenchFormat;

export interface GroupComparison {
  group: ImageGroup;
  floor: RunFigures;
  service: ServiceBatchFigures;
  /** Floor wall time over service wall time: 1 means the service is as fast as sharp alone. */
  ratio: number;
  /** Least CPU per image over the rounds, of each. */
  floorCpuMsPerImage: number;
  serviceCpuMsPerImage: number;
  rounds: { floorWallMs: number[]; serviceWallMs: number[] };
}

export interface ServiceUnderTest {
  api: ServiceProcess;
  processes: readonly ServiceProcess[];
}

const BATCH_TIMEOUT_MS = 300_000;

export function groupsOf(images: readonly BenchImage[]): Map<ImageGroup, BenchImage[]> {
  const groups = new Map<ImageGroup, BenchImage[]>([['all', [...images]]]);
  for (const image of images) {
    const members = groups.get(image.format) ?? [];
    members.push(image);
    groups.set(image.format, members);
  }
  return groups;
}

export async function compareWithFloor(
  service: ServiceUnderTest,
  server: ImageServer,
  images: readonly BenchImage[],
  rounds: number,
  cores: number,
  log: (message: string) => void,
): Promise<GroupComparison[]> {
  const comparisons: GroupComparison[] = [];
  for (const [group, members] of groupsOf(images)) {
    const floors: RunFigures[] = [];
    const services: ServiceBatchFigures[] = [];
    for (let round = 1; round <= rounds; round++) {
      log(`${group}: round ${round}/${rounds}, sharp alone`);
      floors.push(await measureFloor(members, 'balanced', cores));
      log(`${group}: round ${round}/${rounds}, the service`);
      services.push(
        await measureServiceBatch(
          service.api,
          service.processes,
          server,
          members,
          `${group}-${round}`,
          cores,
          BATCH_TIMEOUT_MS,
        ),
      );
    }
    const floor = fastest(floors);
    const best = fastest(services);
    comparisons.push({
      group,
      floor,
      service: best,
      ratio: floor.wallMs / best.wallMs,
      floorCpuMsPerImage: Math.min(...floors.map((run) => run.cpuMsPerImage)),
      serviceCpuMsPerImage: Math.min(...services.map((run) => run.cpuMsPerImage)),
      rounds: {
        floorWallMs: floors.map((run) => run.wallMs),
        serviceWallMs: services.map((run) => run.wallMs),
      },
    });
  }
  return comparisons;
}

function fastest<T extends RunFigures>(runs: T[]): T {
  return runs.reduce((best, run) => (run.wallMs < best.wallMs ? run : best));
}
