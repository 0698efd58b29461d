import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { RequestStatus } from './request-status';

@Entity('image_processing_requests')
export class ImageProcessingRequest {
  @PrimaryGeneratedColumn()
  id!: number;

  @Index({ unique: true })
  @Column({ name: 'request_id', type: 'varchar', length: 36 })
  requestId!: string;

  @Column({ type: 'varchar', length: 16, default: RequestStatus.Pending })
  status!: RequestStatus;

  @Column({ name: 'output_csv', type: 'text', nullable: true })
  outputCsv!: string | null;

  @Column({ name: 'webhook_url', type: 'varchar', length: 2048, nullable: true })
  webhookUrl!: string | null;

  /** Owner id of the API key that uploaded the request; null when API keys are off. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  owner!: string | null;

  @Column({ name: 'total_images', type: 'integer', default: 0 })
  totalImages!: number;

  /** Images that have reached a final state, whether compressed or failed. */
  @Column({ name: 'processed_images', type: 'integer', default: 0 })
  processedImages!: number;

  @Column({ name: 'failed_images', type: 'integer', default: 0 })
  failedImages!: number;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt!: Date;

  @Column({ name: 'completed_at', type: Date, nullable: true })
  completedAt!: Date | null;
}
