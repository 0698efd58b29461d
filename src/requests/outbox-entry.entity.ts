import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ImageProcessingRequest } from './image-processing-request.entity';

/** The side effects that a committed change owes, each done by a job of its own. */
export enum OutboxKind {
  /** Every image has an outcome: write the output CSV and the final status. */
  FinaliseRequest = 'finalise-request',
  /** The request has finished and has a webhook: deliver attempt `attempt`. */
  DeliverWebhook = 'deliver-webhook',
}

/**
 * A side effect owed by a committed transaction (the transactional outbox). It is written in
 * the same transaction as the change that owes it, queued by the relay, and deleted (or moved
 * to its next attempt) in the same transaction as the effect itself.
 */
@Entity('outbox')
@Index(['requestPk', 'kind'], { unique: true })
@Index(['dueAt'])
export class OutboxEntry {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 32 })
  kind!: OutboxKind;

  @Column({ name: 'request_pk', type: 'integer' })
  requestPk!: number;

  @ManyToOne(() => ImageProcessingRequest, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'request_pk' })
  request?: ImageProcessingRequest;

  @Column({ type: 'integer', default: 1 })
  attempt!: number;

  /** Not to be queued before this time (a webhook retry's delay). */
  @Column({ name: 'due_at', type: Date })
  dueAt!: Date;

  /** When the relay last queued it; null until then. */
  @Column({ name: 'enqueued_at', type: Date, nullable: true })
  enqueuedAt!: Date | null;
}
