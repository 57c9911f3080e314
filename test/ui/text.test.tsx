import chalk from 'chalk';
import { render } from 'ink-testing-library';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Text } from '../../source/wizard/components/Text.js';

describe('colours', () => {
  let level: typeof chalk.level;
  beforeEach(() => {
    level = chalk.level;
    chalk.level = 1; // as on a colour terminal (the test's stdout is not one)
  });
  afterEach(() => {
    chalk.level = level;
    delete process.env.NO_COLOR;
  });

  const draw = () =>
    render(
      <Text color="red" inverse>
        x
      </Text>,
    ).lastFrame()!;

  it('are drawn on a colour terminal', () => {
    expect(draw()).toContain('\u001b[31m');
  });

  it('follow NO_COLOR: no colour, but inverse (the plan cursor) stays', () => {
    process.env.NO_COLOR = '1';
    const frame = draw();
    expect(frame).not.toMatch(/\u001b\[3\dm/);
    expect(frame).toContain('\u001b[7m');
  });
});
