import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { ID_LENGTH, RefColumn, TimestampColumn } from '../common/columns.decorator';
import { User } from './user.entity';

/** A person's password hash (argon2id), kept out of the users row that every query reads. */
@Entity({ name: 'user_credentials' })
export class UserCredential {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: ID_LENGTH })
  userId!: string;

  @OneToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_user_credentials_user' })
  user?: User;

  @RefColumn('organization_id')
  organizationId!: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash!: string;

  @TimestampColumn('updated_at')
  updatedAt!: Date;
}
