import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ImageProcessingRequest } from './image-processing-request.entity';

/**
 * An upload's `Idempotency-Key`, per API key owner. While the upload that uses it is being
 * received and stored, the key is held (`holder`, until `heldUntil` unless renewed); once the
 * upload is stored, the key names its request and the fingerprint of its payload until
 * `expiresAt`.
 */
@Entity('idempotency_keys')
@Index('IDX_idempotency_keys_expiry', ['expiresAt'])
@Index('IDX_idempotency_keys_request', ['requestPk'])
export class IdempotencyKey {
  /** Owner id of the API key that sent it; empty when API keys are off. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  owner!: string;

  @PrimaryColumn({ name: 'idempotency_key', type: 'varchar', length: 255 })
  key!: string;

  /** SHA-256 (hex) of the stored upload's file and webhook URL; null while it is held. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  fingerprint!: string | null;

  /** The request the upload created; null while it is held. */
  @Column({ name: 'request_pk', type: 'integer', nullable: true })
  requestPk!: number | null;

  @ManyToOne(() => ImageProcessingRequest, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'request_pk' })
  request?: ImageProcessingRequest;

  /** Which upload holds the key; null once the upload is stored. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  holder!: string | null;

  /** The hold lapses then unless its upload renews it, so that a killed API frees its keys. */
  @Column({ name: 'held_until', type: Date, nullable: true })
  heldUntil!: Date | null;

  @Column({ name: 'expires_at', type: Date })
  expiresAt!: Date;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;
}
