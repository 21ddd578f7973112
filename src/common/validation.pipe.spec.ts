import { IsInt, Min } from 'class-validator';
import { createValidationPipe } from './validation.pipe';

class Ruled {
  @IsInt()
  @Min(1)
  count: number;
}

class Unruled {
  kind: string;
}

describe('createValidationPipe', () => {
  const pipe = createValidationPipe();

  it('checks classes with rules, naming the first bad or unknown field', async () => {
    await expect(pipe.transform({ count: 0 }, { type: 'body', metatype: Ruled })).rejects.toMatchObject({ field: 'count', status: 400 });
    await expect(pipe.transform({ count: 2, extra: 1 }, { type: 'body', metatype: Ruled })).rejects.toMatchObject({ field: 'extra' });
    await expect(pipe.transform({ count: 2 }, { type: 'body', metatype: Ruled })).resolves.toEqual({ count: 2 });
  });

  it('passes classes without rules through untouched', async () => {
    await expect(pipe.transform({ kind: 'scale', spec: { a: 1 } }, { type: 'body', metatype: Unruled })).resolves.toEqual({ kind: 'scale', spec: { a: 1 } });
  });
});
