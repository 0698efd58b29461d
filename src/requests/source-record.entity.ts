import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One owner's source URL as it was last processed: the validators it was served with, the hash
 * of its bytes, the recipe that encoded it and where the result is stored. A later request of
 * the same owner revalidates the URL, or finds the same bytes under another URL, and copies the
 * stored result instead of encoding again. Never shared between owners.
 */
@Entity('source_records')
@Index('IDX_source_records_url', ['owner', 'urlKey'], { unique: true })
@Index('IDX_source_records_bytes', ['owner', 'sha256', 'recipe'])
@Index('IDX_source_records_request', ['requestId'])
export class SourceRecord {
  @PrimaryGeneratedColumn()
  id!: number;

  /** The API key owner; the empty string for the whole service when API keys are off. */
  @Column({ type: 'varchar', length: 64 })
  owner!: string;

  /** SHA-256 of the URL, in hex: an index key of fixed size, whatever the URL's length. */
  @Column({ name: 'url_key', type: 'varchar', length: 64 })
  urlKey!: string;

  @Column({ type: 'text' })
  url!: string;

  /** The HTTP caching policy (validators) as JSON; null when the origin allowed none. */
  @Column({ type: 'text', nullable: true })
  validators!: string | null;

  /** SHA-256 of the source bytes, in hex. */
  @Column({ type: 'varchar', length: 64 })
  sha256!: string;

  /** Hash of everything that decides the output bytes: quality rule, profile, encoder versions. */
  @Column({ type: 'varchar', length: 64 })
  recipe!: string;

  /** The public id of the request whose stored object `outputKey` is. */
  @Column({ name: 'request_id', type: 'varchar', length: 36 })
  requestId!: string;

  @Column({ name: 'output_key', type: 'varchar', length: 512 })
  outputKey!: string;

  @Column({ type: 'varchar', length: 16 })
  format!: string;

  @Column({ name: 'bytes_in', type: 'integer' })
  bytesIn!: number;

  @Column({ name: 'bytes_out', type: 'integer' })
  bytesOut!: number;

  @Column({ name: 'source_quality', type: 'integer', nullable: true })
  sourceQuality!: number | null;

  @Column({ name: 'target_quality', type: 'integer', nullable: true })
  targetQuality!: number | null;

  @Column({ type: 'integer' })
  width!: number;

  @Column({ type: 'integer' })
  height!: number;

  @Column({ name: 'skip_reason', type: 'text', nullable: true })
  skipReason!: string | null;

  @Column({ type: 'double precision', nullable: true })
  score!: number | null;

  @Column({ name: 'updated_at', type: Date })
  updatedAt!: Date;
}
