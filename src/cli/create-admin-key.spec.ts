import { parseProjectArg } from './create-admin-key';

describe('create-admin-key arguments', () => {
  it('reads --project <name>', () => {
    expect(parseProjectArg(['--project', 'demo'])).toBe('demo');
  });

  it.each([[[]], [['--project']], [['--project', '--other']], [['demo']]])('refuses %j with the usage line', (argv) => {
    expect(() => parseProjectArg(argv)).toThrow('usage: create-admin-key --project <name>');
  });
});
