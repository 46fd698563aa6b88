import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `research_optimization_chunks.computed_by`: the process (`host:pid`) whose chunk job stored the
 * chunk's rows. Chunk jobs of one sweep are shared by every worker process (BullMQ); this is how
 * an operator sees how a sweep was spread, and which process computed a chunk whose rows look
 * wrong. NULL for chunks not computed yet and for chunks stored before this migration.
 */
export class OptimizationChunkWorker1766600500000 implements MigrationInterface {
  name = 'OptimizationChunkWorker1766600500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE research_optimization_chunks ADD COLUMN computed_by text CHECK (length(computed_by) BETWEEN 1 AND 300)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE research_optimization_chunks DROP COLUMN IF EXISTS computed_by`);
  }
}
