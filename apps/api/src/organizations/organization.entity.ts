import { Column, Entity } from 'typeorm';
import { IdColumn, TimestampColumn } from '../common/columns.decorator';

/** The tenant: every tenant-owned row carries its id. */
@Entity({ name: 'organizations' })
export class Organization {
  @IdColumn()
  id!: string;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('updated_at')
  updatedAt!: Date;
}
