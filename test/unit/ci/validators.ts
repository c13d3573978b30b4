import type * as WorkflowParser from '@actions/workflow-parser';

/**
 * Errors GitHub's own workflow parser (@actions/workflow-parser, the schema behind github.com's workflow editor
 * and the Actions language server) reports for a workflow file: schema, expressions and contexts.
 */
export async function workflowErrors(content: string, name = 'multiarch.yml'): Promise<string[]> {
  const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter }: typeof WorkflowParser =
    await import('@actions/workflow-parser');
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (parsed.value && !errors.length) {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value);
    errors.push(...(template.errors ?? []).map((e) => e.Message));
  }
  return errors;
}

/** HashiCorp's HCL2 parser (hcl2json, compiled to WebAssembly): the file as JSON, or a thrown syntax error. */
export async function parseHcl(content: string, name = 'docker-bake.hcl'): Promise<Record<string, unknown>> {
  const { parse } = await import('@cdktf/hcl2json');
  return (await parse(name, content)) as Record<string, unknown>;
}
