import { Box } from 'ink';
import { Text } from '../components/Text.js';
import { useKeys } from '../hooks/use-keys.js';
import { useState } from 'react';
import { maskSecrets, parseDbUrl } from '../../common/db-url.js';
import { describeError } from '../../text/describe-error.js';
import type { Side } from '../../common/errors.js';
import { parseTargets, type Targets } from '../../sync/session.js';
import { useMessages } from '../context.js';
import { LineInput } from '../components/LineInput.js';
import { Frame, gapFor, useFrame } from '../components/Frame.js';

export interface UrlStepProps {
  urls: Record<Side, string>;
  onChange: (urls: Record<Side, string>) => void;
  onSubmit: (targets: Targets) => void;
}

const SIDES: readonly Side[] = ['sandbox', 'prod'];

/** Masks the password also while it is being typed, before its '@' arrives. */
export function maskUrlInput(value: string): string {
  return maskSecrets(value).replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)[^@\s]+$/i, '$1***');
}

/** Step 1: both URLs, prefilled, passwords masked; checked on Enter. */
export function UrlStep({ urls, onChange, onSubmit }: UrlStepProps) {
  const m = useMessages();
  const { rows } = useFrame();
  const [focus, setFocus] = useState<Side>('sandbox');
  const [errors, setErrors] = useState<Partial<Record<Side | 'both', string>>>({});

  const check = (current: Record<Side, string>, side: Side): string | undefined => {
    if (!current[side].trim()) return m.usage['missing-url'](m.sides[side]);
    try {
      parseDbUrl(current[side], side);
      return undefined;
    } catch (error) {
      return describeError(error, m).message;
    }
  };

  const submit = (value: string) => {
    const current = { ...urls, [focus]: value };
    const found = { sandbox: check(current, 'sandbox'), prod: check(current, 'prod') };
    if (found[focus]) {
      setErrors({ [focus]: found[focus] });
      return;
    }
    if (focus === 'sandbox' && found.prod) {
      setErrors({});
      setFocus('prod');
      return;
    }
    if (found.sandbox) {
      setErrors(found);
      setFocus('sandbox');
      return;
    }
    try {
      onSubmit(parseTargets(current.sandbox, current.prod));
    } catch (error) {
      setErrors({ both: describeError(error, m).message });
    }
  };

  useKeys((_, key) => {
    if (key.tab || key.upArrow || key.downArrow) setFocus((f) => (f === 'sandbox' ? 'prod' : 'sandbox'));
  });

  // blank lines between the fields only where the terminal has rows to spare
  const gap = gapFor(rows);
  return (
    <Frame step={1} keys={m.ui.keys.urls}>
      <Box flexDirection="column" marginTop={gap}>
        {SIDES.map((side) => (
          <Box key={side} flexDirection="column" marginBottom={gap}>
            <Text bold={focus === side} color={focus === side ? 'cyan' : undefined}>
              {focus === side ? '› ' : '  '}
              {m.ui.urlLabels[side]}
            </Text>
            <Box marginLeft={2}>
              <LineInput
                value={urls[side]}
                focused={focus === side}
                placeholder={m.ui.urlPlaceholder}
                display={maskUrlInput}
                onChange={(value) => {
                  onChange({ ...urls, [side]: value });
                  setErrors({});
                }}
                onSubmit={submit}
              />
            </Box>
            {errors[side] ? (
              <Box marginLeft={2}>
                <Text color="red">{m.errorPrefix + errors[side]}</Text>
              </Box>
            ) : null}
          </Box>
        ))}
        {errors.both ? <Text color="red">{m.errorPrefix + errors.both}</Text> : null}
      </Box>
    </Frame>
  );
}
