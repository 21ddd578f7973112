import { Readable } from 'node:stream';
import request from 'supertest';
import { BuiltinDatasetsService } from '../src/datasets/builtin-datasets.service';
import { ModelVersionsService } from '../src/models/model-versions.service';
import { BLOB_STORE, BlobStore } from '../src/storage/blob-store';
import { createTestApp, TestApp } from './support/test-app';

describe('registries: datasets, models, experiments', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp('registries');
  });
  afterAll(async () => {
    await t?.close();
  });

  const gql = (query: string, variables: Record<string, unknown> = {}) =>
    request(t.server).post('/graphql').set(t.auth()).send({ query, variables });

  describe('pagination and filters', () => {
    const names = ['e1', 'e2', 'e3', 'e4', 'e5'];

    beforeAll(async () => {
      for (const [i, name] of names.entries()) {
        const tags = i % 2 === 0 ? ['even', 'nlp'] : ['odd'];
        await request(t.server).post('/api/v1/experiments').set(t.auth()).send({ name, tags }).expect(201);
      }
      const list = await request(t.server).get('/api/v1/experiments?first=100').set(t.auth()).expect(200);
      const e5 = list.body.items.find((e: { name: string }) => e.name === 'e5');
      const patched = await request(t.server).patch(`/api/v1/experiments/${e5.id}`).set(t.auth()).send({ status: 'archived' });
      expect(patched.body).toMatchObject({ status: 'archived' });
    });

    it('walks every item exactly once, newest first, with opaque cursors', async () => {
      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      do {
        const res: request.Response = await request(t.server)
          .get('/api/v1/experiments')
          .query({ first: 2, ...(after ? { after } : {}) })
          .set(t.auth())
          .expect(200);
        seen.push(...res.body.items.map((e: { name: string }) => e.name));
        after = res.body.nextCursor;
        pages += 1;
      } while (after && pages < 10);
      expect(seen).toEqual([...names].reverse());
      expect(pages).toBe(3);
    });

    it('filters by tags (all of them) and by status', async () => {
      const tagged = await request(t.server).get('/api/v1/experiments?tags=even,nlp').set(t.auth()).expect(200);
      expect(tagged.body.items.map((e: { name: string }) => e.name).sort()).toEqual(['e1', 'e3', 'e5']);
      const archived = await request(t.server).get('/api/v1/experiments?status=archived').set(t.auth()).expect(200);
      expect(archived.body.items.map((e: { name: string }) => e.name)).toEqual(['e5']);
      const viaGraphql = await gql('query($tags: [String!]) { experiments(tags: $tags, status: "active") { items { name } } }', { tags: ['even'] }).expect(200);
      expect(viaGraphql.body.data.experiments.items.map((e: { name: string }) => e.name).sort()).toEqual(['e1', 'e3']);
    });

    it('names the field of a bad page size or cursor', async () => {
      const tooMany = await request(t.server).get('/api/v1/experiments?first=1000').set(t.auth()).expect(400);
      expect(tooMany.body.field).toBe('first');
      const badCursor = await request(t.server).get('/api/v1/experiments?after=garbage').set(t.auth()).expect(400);
      expect(badCursor.body.field).toBe('after');
    });

    it('refuses a second experiment of the same name with 409 experiment_exists', async () => {
      const res = await request(t.server).post('/api/v1/experiments').set(t.auth()).send({ name: 'e1' }).expect(409);
      expect(res.body.error).toBe('experiment_exists');
    });
  });

  describe('models and lineage', () => {
    it('records parents and derivations and walks the lineage in REST and GraphQL', async () => {
      const model = await request(t.server).post('/api/v1/models').set(t.auth()).send({ name: 'tiny-llama' }).expect(201);
      const upload = (parent?: string, derivation?: object) => {
        const req = request(t.server)
          .put(`/api/v1/models/${model.body.id}/versions?format=safetensors${parent ? `&parentVersionId=${parent}` : ''}`)
          .set(t.auth())
          .set('Content-Type', 'application/octet-stream')
          .set('X-Graftwork-Architecture', JSON.stringify({ hidden: 64 }));
        if (derivation) req.set('X-Graftwork-Derivation', JSON.stringify(derivation));
        return req.send(Buffer.from(`weights ${parent ?? 'base'}`)).expect(200);
      };
      const base = await upload();
      const wider = await upload(base.body.id, { method: 'scale', widthFactor: 2 });
      const tuned = await upload(wider.body.id, { method: 'finetune' });
      expect(tuned.body).toMatchObject({ version: 3, parentVersionId: wider.body.id, derivation: { method: 'finetune' } });

      const rest = await request(t.server).get(`/api/v1/model-versions/${tuned.body.id}/lineage`).set(t.auth()).expect(200);
      expect(rest.body.map((v: { id: string }) => v.id)).toEqual([wider.body.id, base.body.id]);

      const res = await gql('query($id: ID!) { modelVersion(id: $id) { version lineage { version derivation } } }', { id: tuned.body.id }).expect(200);
      expect(res.body.data.modelVersion.lineage).toEqual([
        { version: 2, derivation: { method: 'scale', widthFactor: 2 } },
        { version: 1, derivation: {} },
      ]);
    });

    it('refuses a parent that is not a model version of the project, naming parentVersionId', async () => {
      const model = await request(t.server).post('/api/v1/models').set(t.auth()).send({ name: 'orphan' }).expect(201);
      const res = await request(t.server)
        .put(`/api/v1/models/${model.body.id}/versions?format=safetensors&parentVersionId=00000000-0000-4000-8000-000000000000`)
        .set(t.auth())
        .set('Content-Type', 'application/octet-stream')
        .send(Buffer.from('w'))
        .expect(400);
      expect(res.body.field).toBe('parentVersionId');
    });
  });

  describe('registerModelVersion (the ingestion entry point)', () => {
    it('creates the model by name, records lineage, and serves the stored weights', async () => {
      const blobs = t.app.get<BlobStore>(BLOB_STORE);
      const versions = t.app.get(ModelVersionsService);
      const stored = await blobs.put('runs/r1/model.tar', Readable.from([Buffer.from('tar bytes')]), { maxBytes: 1000 });
      const first = await versions.registerModelVersion({
        projectId: t.projectId,
        modelName: 'scaled-from-run',
        blobKey: 'runs/r1/model.tar',
        sha256: stored.sha256,
        bytes: stored.bytes,
        derivation: { method: 'scale' },
        architecture: { layers: 2 },
      });
      const second = await versions.registerModelVersion({
        projectId: t.projectId,
        modelName: 'scaled-from-run',
        blobKey: 'runs/r1/model.tar',
        parentVersionId: first.id,
        derivation: { method: 'continued-pretraining' },
        architecture: { layers: 2 },
      });
      expect([first.version, second.version]).toEqual([1, 2]);
      expect(second.modelId).toBe(first.modelId);
      const content = await request(t.server).get(`/api/v1/model-versions/${first.id}/content`).set(t.auth()).expect(200);
      expect(content.headers['x-graftwork-sha256']).toBe(stored.sha256);
      const lineage = await request(t.server).get(`/api/v1/model-versions/${second.id}/lineage`).set(t.auth()).expect(200);
      expect(lineage.body.map((v: { id: string }) => v.id)).toEqual([first.id]);
    });

    it('names the field when the weights cannot be found', async () => {
      const versions = t.app.get(ModelVersionsService);
      const base = { projectId: t.projectId, modelName: 'm', derivation: {}, architecture: {} };
      await expect(versions.registerModelVersion({ ...base, blobKey: 'runs/none/model.tar' })).rejects.toMatchObject({ field: 'blobKey' });
      await expect(versions.registerModelVersion({ ...base, artifactId: '00000000-0000-4000-8000-000000000000' })).rejects.toMatchObject({
        field: 'artifactId',
      });
      await expect(versions.registerModelVersion(base)).rejects.toMatchObject({ field: 'artifactId' });
    });
  });

  describe('built-in datasets', () => {
    it('materialises a registered built-in once per project', async () => {
      const builtins = t.app.get(BuiltinDatasetsService);
      let opened = 0;
      builtins.register({
        name: 'tiny-digits',
        description: 'a few digits',
        tags: ['vision'],
        format: 'csv',
        open: () => {
          opened += 1;
          return Readable.from([Buffer.from('label,pixel0\n7,0\n')]);
        },
      });
      const first = await builtins.ensure(t.projectId, 'tiny-digits');
      const again = await builtins.ensure(t.projectId, 'tiny-digits');
      expect(again.version.id).toBe(first.version.id);
      expect(first.dataset.tags).toEqual(expect.arrayContaining(['vision', 'builtin']));
      expect(opened).toBe(1);
      await expect(builtins.ensure(t.projectId, 'unknown')).rejects.toMatchObject({ field: 'name' });
    });
  });

  describe('GraphQL errors', () => {
    it('carries extensions.code and extensions.field', async () => {
      const res = await gql('mutation { createDataset(input: { name: "bad name!" }) { id } }').expect(200);
      expect(res.body.errors[0].extensions).toMatchObject({ code: 'bad_request', field: 'name' });
      const missing = await gql('{ dataset(id: "00000000-0000-4000-8000-000000000000") { id } }').expect(200);
      expect(missing.body.errors[0].extensions.code).toBe('not_found');
    });
  });
});
