import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseDbUrl } from '../../source/common/db-url.js';
import type { Summary } from '../../source/engine/types.js';
import { ConfirmStep } from '../../source/wizard/steps/ConfirmStep.js';
import { maskUrlInput, UrlStep } from '../../source/wizard/steps/UrlStep.js';
import { frameOf, keys, press, renderStep, settle, waitFor } from '../helpers/ink.js';
import { useState } from 'react';
import type { Side } from '../../source/common/errors.js';

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

function Urls({ initial, onSubmit }: { initial: Record<Side, string>; onSubmit: (t: unknown) => void }) {
  const [urls, setUrls] = useState(initial);
  return <UrlStep urls={urls} onChange={setUrls} onSubmit={onSubmit} />;
}

describe('the URL step', () => {
  it('masks the password, also while it is typed', () => {
    expect(maskUrlInput('postgresql://bob:hunter2@db/x')).toBe('postgresql://bob:***@db/x');
    expect(maskUrlInput('postgresql://bob:hunt')).toBe('postgresql://bob:***');
    expect(maskUrlInput('postgresql://bob@db/x')).toBe('postgresql://bob@db/x');
  });

  it('moves on with one Enter when both URLs come prefilled and valid', async () => {
    const onSubmit = vi.fn();
    const app = renderStep(
      <Urls initial={{ sandbox: 'postgresql://u:Secret1@db1/sandbox', prod: 'postgresql://u:Secret2@db2/prod' }} onSubmit={onSubmit} />,
    );
    unmount = app.unmount;
    await settle();
    expect(frameOf(app)).toContain('postgresql://u:***@db1/sandbox');
    expect(frameOf(app)).not.toMatch(/Secret[12]/);
    app.stdin.write(keys.enter);
    await waitFor(() => onSubmit.mock.calls.length === 1, 'submit');
    expect(onSubmit.mock.calls[0]![0]).toMatchObject({ sandbox: { database: 'sandbox' }, prod: { database: 'prod', host: 'db2' } });
  });

  it('takes keys typed faster than the screen redraws: each goes to the field that has focus by then', async () => {
    const onSubmit = vi.fn();
    const app = renderStep(<Urls initial={{ sandbox: '', prod: '' }} onSubmit={onSubmit} />);
    unmount = app.unmount;
    await settle();
    // each key its own read from stdin, as from a terminal, with no time for a redraw between them
    for (const key of ['postgresql://a@db1/sandbox', keys.enter, 'postgresql://b@db2/prod', keys.enter]) {
      app.stdin.write(key);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await waitFor(() => onSubmit.mock.calls.length === 1, 'submit');
    expect(onSubmit.mock.calls[0]![0]).toMatchObject({ sandbox: { database: 'sandbox', host: 'db1' }, prod: { database: 'prod', host: 'db2' } });
  });

  it('explains a URL pg cannot use, under its field, and the same URL twice', async () => {
    const onSubmit = vi.fn();
    const app = renderStep(<Urls initial={{ sandbox: 'mysql://x', prod: '' }} onSubmit={onSubmit} />);
    unmount = app.unmount;
    await settle();
    let frame = await press(app, keys.enter, 'must start with postgresql://');
    await press(app, keys.ctrlU, /› Sandbox URL[^\n]*\n\s+postgresql:\/\/user:password/);
    app.stdin.write('postgresql://a:pw@localhost/school');
    frame = await press(app, keys.enter, '› Prod URL');
    frame = await press(app, keys.enter, 'No prod database URL');
    app.stdin.write('postgresql://b:pw2@127.0.0.1:5432/school');
    await waitFor(() => frameOf(app).includes('postgresql://b:***@127.0.0.1:5432/school'), 'typed URL');
    frame = await press(app, keys.enter, 'point to the same database');
    expect(frame).not.toContain('pw2');
    expect(onSubmit).not.toHaveBeenCalled();
  });
});

const summary: Summary = { lessons: 10, created: 2, updated: 3, skipped: 4, errors: 1, tasksCopied: 7, tasksMissingInProd: 1, changedSincePreview: 0, excluded: 0, notInPlan: 0 };

function mountConfirm(over: Partial<Summary> = {}) {
  const handlers = { onApply: vi.fn(), onSaveAndQuit: vi.fn(), onBack: vi.fn(), onQuit: vi.fn() };
  const app = renderStep(<ConfirmStep summary={{ ...summary, ...over }} prod={parseDbUrl('postgresql://u:p@db.example.com:6543/school_prod', 'prod')} {...handlers} />);
  unmount = app.unmount;
  return { app, ...handlers };
}

describe('the confirm step', () => {
  it('says what will be written where, and applies only when the prod database name is typed', async () => {
    const { app, onApply } = mountConfirm();
    await settle();
    expect(frameOf(app)).toContain('create 2 lessons · 🔄 update 3 · copy 7 tasks');
    expect(frameOf(app)).toContain('into school_prod at db.example.com:6543');
    await press(app, keys.enter, 'Type the prod database name (school_prod)');
    await settle();
    app.stdin.write('school_pro');
    await press(app, keys.enter, 'The name did not match: nothing written.');
    expect(onApply).not.toHaveBeenCalled();

    await settle(); // the menu is mounted again: ink-select-input subscribes its keys after the redraw
    await press(app, keys.enter, 'Type the prod database name');
    await settle();
    app.stdin.write('school_prod');
    app.stdin.write(keys.enter);
    await waitFor(() => onApply.mock.calls.length === 1, 'apply');
  });

  it('goes back, saves and quits, or quits without applying', async () => {
    const { app, onBack, onSaveAndQuit, onQuit, onApply } = mountConfirm();
    await settle();
    await press(app, keys.down, '❯ Save report and quit');
    await settle(); // ink-select-input re-subscribes its keys after the redraw
    app.stdin.write(keys.enter);
    await waitFor(() => onSaveAndQuit.mock.calls.length === 1, 'save and quit');
    await press(app, keys.down, '❯ Back to the plan');
    await settle(); // ink-select-input re-subscribes its keys after the redraw
    app.stdin.write(keys.enter);
    await waitFor(() => onBack.mock.calls.length === 1, 'back');
    await press(app, keys.down, '❯ Quit');
    await settle(); // ink-select-input re-subscribes its keys after the redraw
    app.stdin.write(keys.enter);
    await waitFor(() => onQuit.mock.calls.length === 1, 'quit');
    app.stdin.write(keys.escape);
    await waitFor(() => onBack.mock.calls.length === 2, 'Esc goes back');
    expect(onApply).not.toHaveBeenCalled();
  });

  it('offers no Apply when there is nothing to write', async () => {
    const { app } = mountConfirm({ created: 0, updated: 0 });
    await settle();
    expect(frameOf(app)).toContain('Nothing to write');
    expect(frameOf(app)).not.toContain('Apply');
  });
});
