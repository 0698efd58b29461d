import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ImageProcessingRequest } from './image-processing-request.entity';

@Entity('products')
@Index(['requestPk', 'rowNumber'], { unique: true })
export class Product {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'request_pk', type: 'integer' })
  /** The request row's primary key, not its public UUID. */
  requestPk!: number;

  @ManyToOne(() => ImageProcessingRequest, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'request_pk' })
  request?: ImageProcessingRequest;

  /** 1-based position of the product among the CSV's data rows; output order follows it. */
  @Column({ name: 'row_number', type: 'integer' })
  rowNumber!: number;

  /** Line of the CSV file the row started on, for messages. */
  @Column({ name: 'line_number', type: 'integer' })
  lineNumber!: number;

  @Column({ name: 'serial_number', type: 'varchar', length: 255 })
  serialNumber!: string;

  @Column({ name: 'product_name', type: 'text' })
  productName!: string;

  /** The input cell as uploaded, written back unchanged in the output CSV. */
  @Column({ name: 'input_image_urls', type: 'text' })
  inputImageUrls!: string;
}
