import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ImageProcessingRequest } from './image-processing-request.entity';
import { Image } from './image.entity';
import { VariantDropReason, VariantStatus } from './request-status';

/**
 * A modern-format variant (WebP, AVIF) of an image's same-format output, asked for by its
 * request. It belongs to the image that was compressed: images of the request with the same
 * URL share its variants, as they share its output.
 */
@Entity('image_variants')
@Index('IDX_image_variants_image', ['imageId', 'format'], { unique: true })
@Index('IDX_image_variants_request', ['requestPk', 'status'])
export class ImageVariant {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'image_id', type: 'integer' })
  imageId!: number;

  @ManyToOne(() => Image, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'image_id' })
  image?: Image;

  @Column({ name: 'request_pk', type: 'integer' })
  requestPk!: number;

  @ManyToOne(() => ImageProcessingRequest, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'request_pk' })
  request?: ImageProcessingRequest;

  /** `webp` or `avif`. */
  @Column({ type: 'varchar', length: 8 })
  format!: string;

  @Column({ type: 'varchar', length: 16, default: VariantStatus.Pending })
  status!: VariantStatus;

  /** The same-format output's score, which the variant must reach. */
  @Column({ name: 'target_score', type: 'double precision', nullable: true })
  targetScore!: number | null;

  /** Storage key of the kept variant, beside the same-format output. */
  @Column({ name: 'output_key', type: 'varchar', length: 512, nullable: true })
  outputKey!: string | null;

  @Column({ type: 'integer', nullable: true })
  bytes!: number | null;

  /** The encoder quality the search chose. */
  @Column({ type: 'integer', nullable: true })
  quality!: number | null;

  /** SSIM of the variant against the source, as the same-format output's score is taken. */
  @Column({ type: 'double precision', nullable: true })
  score!: number | null;

  @Column({ type: 'text', nullable: true })
  reason!: VariantDropReason | null;

  @Column({ name: 'processed_at', type: Date, nullable: true })
  processedAt!: Date | null;
}
