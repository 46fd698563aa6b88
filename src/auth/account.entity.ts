import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An account: what API keys, and the data they create, belong to. A trader's key sees its own
 * account's data only; keys created without an account name go to the account "default".
 */
@Entity({ name: 'accounts' })
export class AccountEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text', unique: true })
  name!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** The account of keys created without one. */
export const DEFAULT_ACCOUNT_NAME = 'default';
