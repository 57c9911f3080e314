/** A prompt and the line typed after it, on one row: the field gets the columns the prompt leaves. */
import { displayWidth } from '../text-lines.js';
import { useFrame } from './Frame.js';
import { LineInput } from './LineInput.js';

export interface PromptLineProps {
  /** shown before the field, its separating space included */
  prompt: string;
  value: string;
  onChange: (value: string) => void;
  onSubmit?: (value: string) => void;
}

export function PromptLine({ prompt, value, onChange, onSubmit }: PromptLineProps) {
  const { columns } = useFrame();
  return (
    <>
      {prompt}
      <LineInput value={value} onChange={onChange} onSubmit={onSubmit} focused width={columns - displayWidth(prompt)} />
    </>
  );
}
