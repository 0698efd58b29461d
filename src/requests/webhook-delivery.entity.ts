import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ImageProcessingRequest } from './image-processing-request.entity';

export enum WebhookOutcome {
  Delivered = 'delivered',
  Retrying = 'retrying',
  Failed = 'failed',
}

/** One row per delivery attempt of a request's completion webhook. */
@Entity('webhook_deliveries')
@Index(['requestPk', 'attempt'])
export class WebhookDelivery {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'request_pk', type: 'integer' })
  /** The request row's primary key, not its public UUID. */
  requestPk!: number;

  @ManyToOne(() => ImageProcessingRequest, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'request_pk' })
  request?: ImageProcessingRequest;

  @Column({ name: 'webhook_id', type: 'varchar', length: 64 })
  webhookId!: string;

  @Column({ type: 'integer' })
  attempt!: number;

  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  @Column({ name: 'status_code', type: 'integer', nullable: true })
  statusCode!: number | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ type: 'varchar', length: 16 })
  outcome!: WebhookOutcome;

  @Column({ name: 'duration_ms', type: 'integer' })
  durationMs!: number;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;
}
