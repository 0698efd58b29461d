import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Database } from './database';
import { SourceRecord } from './source-record.entity';
import { entityFromRow, runStatement } from './sql-statements';

/** The owner of every source when API keys are off: the whole service is one owner. */
export const SERVICE_OWNER = '';

/** What is remembered of a source once its image has been stored. */
export type RememberedSource = Omit<SourceRecord, 'id' | 'urlKey' | 'updatedAt'>;

const FIND_BY_URL = `
  SELECT * FROM source_records WHERE owner = :owner AND url_key = :urlKey AND url = :url`;

const FIND_BY_URLS =
  'SELECT * FROM source_records WHERE owner = :owner AND url_key IN (:...urlKeys)';

const FIND_KNOWN_URLS = `
  SELECT url FROM source_records WHERE owner = :owner AND url_key IN (:...urlKeys)`;

const FIND_BY_BYTES = `
  SELECT * FROM source_records
   WHERE owner = :owner AND sha256 = :sha256 AND recipe = :recipe
   ORDER BY updated_at DESC LIMIT 1`;

const REMEMBERED_COLUMNS = [
  'validators',
  'sha256',
  'recipe',
  'request_id',
  'output_key',
  'format',
  'bytes_in',
  'bytes_out',
  'source_quality',
  'target_quality',
  'width',
  'height',
  'skip_reason',
  'score',
  'updated_at',
];

/** One source's values; each `:name` becomes `:name_<row>` in a statement of several rows. */
const REMEMBERED_VALUES = `
  (:owner, :urlKey, :url, :validators, :sha256, :recipe, :requestId, :outputKey, :format,
   :bytesIn, :bytesOut, :sourceQuality, :targetQuality, :width, :height, :skipReason,
   CAST(:score AS DOUBLE PRECISION), :updatedAt)`;

/** What `REMEMBERED_VALUES` takes from a source as it is; `urlKey` and `updatedAt` are made. */
const SOURCE_FIELDS = [
  'owner',
  'url',
  'validators',
  'sha256',
  'recipe',
  'requestId',
  'outputKey',
  'format',
  'bytesIn',
  'bytesOut',
  'sourceQuality',
  'targetQuality',
  'width',
  'height',
  'skipReason',
  'score',
] as const satisfies readonly (keyof RememberedSource)[];

/** Records (or replaces) `rows` sources at once. */
function rememberStatement(rows: number): string {
  const values = Array.from({ length: rows }, (_, row) =>
    REMEMBERED_VALUES.replace(/:(\w+)/g, `:$1_${row}`),
  );
  return `
  INSERT INTO source_records (owner, url_key, url, validators, sha256, recipe, request_id,
                              output_key, format, bytes_in, bytes_out, source_quality,
                              target_quality, width, height, skip_reason, score, updated_at)
  VALUES ${values.join(', ')}
  ON CONFLICT (owner, url_key) DO UPDATE
     SET ${REMEMBERED_COLUMNS.map((column) => `${column} = excluded.${column}`).join(', ')}`;
}

/** After a `304`: the URL's result is now the copy in a later request, under new validators. */
const CONFIRM = `
  UPDATE source_records
     SET validators = :validators, request_id = :requestId, output_key = :outputKey,
         updated_at = :updatedAt
   WHERE owner = :owner AND url_key = :urlKey AND url = :url`;

/** Sources recorded by one statement: 18 parameters each, well under either database's limit. */
const REMEMBER_CHUNK = 100;

/** URL keys asked about in one statement: well under either database's parameter limit. */
const LOOKUP_CHUNK = 500;

const urlKeyOf = (url: string): string => createHash('sha256').update(url).digest('hex');

/** Each owner's known sources: looked up by URL, or by the hash of their bytes and recipe. */
@Injectable()
export class SourceRecordsRepository {
  constructor(private readonly database: Database) {}

  async findByUrl(owner: string, url: string): Promise<SourceRecord | null> {
    return this.findOne(FIND_BY_URL, { owner, urlKey: urlKeyOf(url), url });
  }

  /** The owner's sources among `urls`, by URL. */
  async findByUrls(owner: string, urls: readonly string[]): Promise<Map<string, SourceRecord>> {
    const found = new Map<string, SourceRecord>();
    await this.selectByUrls(owner, urls, FIND_BY_URLS, (manager, row) => {
      const record = entityFromRow(manager, SourceRecord, row);
      found.set(record.url, record);
    });
    return found;
  }

  /** The URLs among `urls` that the owner has a stored result of: no more is read. */
  async knownUrls(owner: string, urls: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    await this.selectByUrls(owner, urls, FIND_KNOWN_URLS, (_, row) => found.add(String(row.url)));
    return found;
  }

  /** The most recently stored result of these bytes under this recipe, whatever its URL. */
  async findByBytes(owner: string, sha256: string, recipe: string): Promise<SourceRecord | null> {
    return this.findOne(FIND_BY_BYTES, { owner, sha256, recipe });
  }

  /** Records (or replaces) what the owner's URL was last served and stored as. */
  async remember(source: RememberedSource): Promise<void> {
    await this.rememberAll([source]);
  }

  /** Records several sources in one transaction, a chunk of them per statement. */
  async rememberAll(sources: readonly RememberedSource[]): Promise<void> {
    // A statement may not name one row twice: the last word on a URL is the one kept.
    const latest = [
      ...new Map(sources.map((source) => [`${source.owner} ${source.url}`, source])).values(),
    ];
    if (latest.length === 0) return;
    const updatedAt = new Date();
    const statements: { sql: string; parameters: Record<string, unknown> }[] = [];
    for (let start = 0; start < latest.length; start += REMEMBER_CHUNK) {
      const chunk = latest.slice(start, start + REMEMBER_CHUNK);
      const parameters: Record<string, unknown> = {};
      chunk.forEach((source, row) => {
        for (const field of SOURCE_FIELDS) parameters[`${field}_${row}`] = source[field];
        parameters[`urlKey_${row}`] = urlKeyOf(source.url);
        parameters[`updatedAt_${row}`] = updatedAt;
      });
      statements.push({ sql: rememberStatement(chunk.length), parameters });
    }
    const run = async (manager: EntityManager) => {
      for (const { sql, parameters } of statements) await runStatement(manager, sql, parameters);
    };
    await (statements.length === 1 ? this.database.run(run) : this.database.transaction(run));
  }

  /** Runs `sql` for the owner's URL keys of `urls`, a chunk at a time, and hands on each row. */
  /**
   * Records sources whose URLs answered `304`: only where the result now is and the validators
   * change, which costs a fraction of a whole record's upsert. A record gone meanwhile is
   * recorded whole again.
   */
  async confirmAll(sources: readonly RememberedSource[]): Promise<void> {
    if (sources.length === 0) return;
    const updatedAt = new Date();
    const gone = await this.database.transaction(async (manager) => {
      const missing: RememberedSource[] = [];
      for (const source of sources) {
        const { owner, url, validators, requestId, outputKey } = source;
        const { affected } = await runStatement(manager, CONFIRM, {
          ...{ owner, url, urlKey: urlKeyOf(url), validators, requestId, outputKey },
          updatedAt,
        });
        if (affected === 0) missing.push(source);
      }
      return missing;
    });
    await this.rememberAll(gone);
  }

  private async selectByUrls(
    owner: string,
    urls: readonly string[],
    sql: string,
    onRow: (manager: EntityManager, row: Record<string, unknown>) => void,
  ): Promise<void> {
    const unique = [...new Set(urls)];
    for (let start = 0; start < unique.length; start += LOOKUP_CHUNK) {
      const urlKeys = unique.slice(start, start + LOOKUP_CHUNK).map(urlKeyOf);
      await this.database.run(async (manager) => {
        const { rows } = await runStatement<Record<string, unknown>>(manager, sql, {
          owner,
          urlKeys,
        });
        for (const row of rows) onRow(manager, row);
      });
    }
  }

  private findOne(sql: string, parameters: Record<string, unknown>) {
    return this.database.run(async (manager) => {
      const { rows } = await runStatement<Record<string, unknown>>(manager, sql, parameters);
      const [row] = rows;
      return row ? entityFromRow(manager, SourceRecord, row) : null;
    });
  }
}
