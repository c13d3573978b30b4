import * as vscode from 'vscode';

/** The user went one step back (the quick input's Back button). From the global registry: a caller bundled apart holds the same symbol. */
export const back: unique symbol = Symbol.for('multiarch.prompter.back') as never;
export type Answer<T> = T | typeof back | undefined;

interface Step {
  title: string;
  step: number;
  totalSteps: number;
  placeholder?: string;
}

export interface InputStep extends Step {
  prompt: string;
  value?: string;
  /** A message while the value cannot be accepted; the step only completes with a valid value. */
  validate(value: string): string | undefined;
}

export interface PickItem<T> {
  label: string;
  description?: string;
  detail?: string;
  value: T;
  picked?: boolean;
}

export interface PickStep<T> extends Step {
  items: PickItem<T>[];
}

/**
 * The questions a multi-step command asks. The editor answers through the quick input below; the integration
 * tests hand the command their own answers, which still go through each step's `validate`.
 */
export interface Prompter {
  input(step: InputStep): Promise<Answer<string>>;
  pickOne<T>(step: PickStep<T>): Promise<Answer<T>>;
  pickMany<T>(step: PickStep<T>): Promise<Answer<T[]>>;
}

/** Quick input steps with a Back button from the second step on; Escape cancels (undefined). */
export const quickInputPrompter: Prompter = {
  input(step) {
    const box = vscode.window.createInputBox();
    configure(box, step);
    box.prompt = step.prompt;
    box.value = step.value ?? '';
    box.validationMessage = box.value ? step.validate(box.value) : undefined;
    return run(box, (resolve) => [
      box.onDidChangeValue((v) => (box.validationMessage = v ? step.validate(v) : undefined)),
      box.onDidAccept(() => {
        const problem = step.validate(box.value);
        box.validationMessage = problem;
        if (!problem) resolve(box.value);
      }),
    ]);
  },
  pickOne(step) {
    const pick = vscode.window.createQuickPick<PickItem<unknown> & vscode.QuickPickItem>();
    configure(pick, step);
    pick.items = step.items;
    pick.activeItems = step.items.filter((i) => i.picked);
    return run(pick, (resolve) => [
      pick.onDidAccept(() => {
        const chosen = pick.selectedItems[0] ?? pick.activeItems[0];
        if (chosen) resolve(chosen.value);
      }),
    ]) as never;
  },
  pickMany(step) {
    const pick = vscode.window.createQuickPick<PickItem<unknown> & vscode.QuickPickItem>();
    configure(pick, step);
    pick.canSelectMany = true;
    pick.items = step.items;
    pick.selectedItems = step.items.filter((i) => i.picked);
    return run(pick, (resolve) => [
      pick.onDidAccept(() => {
        if (pick.selectedItems.length) resolve(pick.selectedItems.map((i) => i.value));
        else pick.placeholder = 'Select at least one platform (Space toggles), then press Enter';
      }),
    ]) as never;
  },
};

function configure(
  input: vscode.QuickInput & { placeholder?: string; buttons: readonly vscode.QuickInputButton[] },
  step: Step,
): void {
  input.title = step.title;
  input.step = step.step;
  input.totalSteps = step.totalSteps;
  input.ignoreFocusOut = true;
  if (step.placeholder) input.placeholder = step.placeholder;
  input.buttons = step.step > 1 ? [vscode.QuickInputButtons.Back] : [];
}

function run<T>(
  input: vscode.QuickInput & { onDidTriggerButton: vscode.Event<vscode.QuickInputButton> },
  listen: (resolve: (value: T) => void) => vscode.Disposable[],
): Promise<Answer<T>> {
  return new Promise<Answer<T>>((resolve) => {
    let done = false;
    const finish = (value: Answer<T>) => {
      if (done) return;
      done = true;
      for (const d of subscriptions) d.dispose();
      input.dispose();
      resolve(value);
    };
    const subscriptions = [
      ...listen((v) => finish(v)),
      input.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && finish(back)),
      input.onDidHide(() => finish(undefined)),
    ];
    input.show();
  });
}
