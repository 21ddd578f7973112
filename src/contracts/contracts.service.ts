import { Injectable } from '@nestjs/common';
import Ajv, { type AnySchema, type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { findContractsDir } from './contracts-dir';
import { type ContractViolation, pickViolations } from './contract-violation';

const DRAFT_2020 = 'https://json-schema.org/draft/2020-12/schema';

/**
 * Every schema under contracts/, compiled once at start. The set of job kinds is the set of
 * files in contracts/jobs/, so a new kind needs a schema file and no code change here.
 */
@Injectable()
export class ContractsService {
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly kinds: string[];

  constructor(readonly contractsDir: string = findContractsDir()) {
    const modern = addFormats(new Ajv2020({ allErrors: true, verbose: true, strict: false }));
    const draft7 = addFormats(new Ajv({ allErrors: true, verbose: true, strict: false }));
    for (const file of listSchemaFiles(contractsDir)) {
      const schema = JSON.parse(readFileSync(join(contractsDir, file), 'utf8')) as Record<string, unknown>;
      const ajv = schema.$schema === undefined || schema.$schema === DRAFT_2020 ? modern : draft7;
      try {
        this.validators.set(file.replace(/\.schema\.json$/, ''), ajv.compile(schema as AnySchema));
      } catch (err) {
        throw new Error(`contracts/${file} is not a valid JSON Schema: ${(err as Error).message}`);
      }
    }
    this.kinds = [...this.validators.keys()].filter((k) => k.startsWith('jobs/')).map((k) => k.slice('jobs/'.length)).sort();
  }

  /** The job kinds the service accepts (= queue names). */
  jobKinds(): readonly string[] {
    return this.kinds;
  }

  hasSchema(ref: string): boolean {
    return this.validators.has(ref);
  }

  /**
   * Violations of `value` against contracts/<ref>.schema.json (e.g. ref `jobs/diagnostics`),
   * each naming the field as a path under `root` (`spec.steps`). Empty when valid.
   */
  check(ref: string, value: unknown, root: string): ContractViolation[] {
    const validate = this.validators.get(ref);
    if (!validate) throw new Error(`no contract contracts/${ref}.schema.json`);
    if (validate(value)) return [];
    return pickViolations(root, validate.errors ?? []);
  }

  /** Violations of a run spec for `kind`; an unknown kind is itself a violation on field `kind`. */
  checkSpec(kind: string, spec: unknown): ContractViolation[] {
    if (!this.kinds.includes(kind)) return [{ field: 'kind', expected: `one of ${this.kinds.join(', ')}` }];
    return this.check(`jobs/${kind}`, spec, 'spec');
  }
}

function listSchemaFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir).sort()) {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (entry.endsWith('.schema.json')) found.push(relative(root, full));
    }
  };
  walk(root);
  return found;
}
