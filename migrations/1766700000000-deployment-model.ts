import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Online learning, the live side (issue 9): a deployment may name a registered model whose
 * prediction is its strategy's signal input (`deployments.model`, a name of `ml_models`). The
 * runner reads the model's champion at every decision, so a promotion takes effect at the next
 * bar; the foreign key keeps a deployment from naming a model that does not exist.
 */
export class DeploymentModel1766700000000 implements MigrationInterface {
  name = 'DeploymentModel1766700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deployments ADD COLUMN model text REFERENCES ml_models (name) ON UPDATE CASCADE ON DELETE RESTRICT`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deployments DROP COLUMN model`);
  }
}
