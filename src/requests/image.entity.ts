import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ImageProcessingRequest } from './image-processing-request.entity';
import { Product } from './product.entity';
import { ImageStatus, ReuseReason } from './request-status';

@Entity('images')
@Index(['productId', 'position'], { unique: true })
@Index(['requestPk', 'ordinal'], { unique: true })
// Only images whose URL appears more than once in their request: an upload appends its images
// to every other index, while an entry per image here would land at a random place.
@Index('IDX_images_same_url', ['requestPk', 'urlHash'], { where: 'shares_url' })
@Index('IDX_images_pending', ['requestPk', 'ordinal'], { where: `status = 'Pending'` })
export class Image {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'product_id', type: 'integer' })
  productId!: number;

  @ManyToOne(() => Product, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'product_id' })
  product?: Product;

  /** The request row's primary key, denormalised so that images are read without a join. */
  @Column({ name: 'request_pk', type: 'integer' })
  requestPk!: number;

  @ManyToOne(() => ImageProcessingRequest, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'request_pk' })
  request?: ImageProcessingRequest;

  /** 1-based place among the request's images in output order: rows, then positions. */
  @Column({ type: 'integer' })
  ordinal!: number;

  /** 1-based position of the URL within its product's list. */
  @Column({ type: 'integer' })
  position!: number;

  @Column({ name: 'input_url', type: 'text' })
  inputUrl!: string;

  /** A 32-bit hash of `inputUrl`, to find the same URL elsewhere in the request by index. */
  @Column({ name: 'url_hash', type: 'integer', default: 0 })
  urlHash!: number;

  /** Another image of the request has the same URL; set once the upload's images are stored. */
  @Column({ name: 'shares_url', type: 'boolean', default: false })
  sharesUrl!: boolean;

  @Column({ type: 'varchar', length: 16, default: ImageStatus.Pending })
  status!: ImageStatus;

  /** Storage key of the compressed file; its URL is built when read. */
  @Column({ name: 'output_key', type: 'varchar', length: 512, nullable: true })
  outputKey!: string | null;

  @Column({ name: 'bytes_in', type: 'integer', nullable: true })
  bytesIn!: number | null;

  @Column({ name: 'bytes_out', type: 'integer', nullable: true })
  bytesOut!: number | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  format!: string | null;

  @Column({ name: 'source_quality', type: 'integer', nullable: true })
  sourceQuality!: number | null;

  @Column({ name: 'target_quality', type: 'integer', nullable: true })
  targetQuality!: number | null;

  @Column({ type: 'integer', nullable: true })
  width!: number | null;

  @Column({ type: 'integer', nullable: true })
  height!: number | null;

  /**
   * SSIM of the compressed image against its source, 0 to 1 in four decimals; null when the
   * image failed, its source was kept, or scoring was off.
   */
  @Column({ type: 'double precision', nullable: true })
  score!: number | null;

  /** Why the source bytes were kept instead of the re-encoded ones, when they were. */
  @Column({ name: 'skip_reason', type: 'text', nullable: true })
  skipReason!: string | null;

  /** The failure; while the image is still being retried, the last attempt's error. */
  @Column({ type: 'text', nullable: true })
  error!: string | null;

  /** Download attempts made so far. */
  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  /** The image of the same request and URL whose result this one shares. */
  @Column({ name: 'reused_from', type: 'integer', nullable: true })
  reusedFrom!: number | null;

  /** Why the result was copied from an earlier request's: `not-modified` or `same-bytes`. */
  @Column({ name: 'reuse_reason', type: 'varchar', length: 16, nullable: true })
  reuseReason!: ReuseReason | null;

  /** The public id of the earlier request whose stored result this image's is a copy of. */
  @Column({ name: 'reuse_request_id', type: 'varchar', length: 36, nullable: true })
  reuseRequestId!: string | null;

  @Column({ name: 'processed_at', type: Date, nullable: true })
  processedAt!: Date | null;
}
