// The WGSL kernel templates in shaders/, bundled as text by Vite.
const files = import.meta.glob('../../shaders/*.wgsl', { query: '?raw', import: 'default', eager: true }) as Record<
  string,
  string
>;

const byName = new Map(Object.entries(files).map(([path, text]) => [path.replace(/^.*\/(.*)\.wgsl$/, '$1'), text]));

/** Source of shaders/<name>.wgsl. */
export function shaderSource(name: string): string {
  const text = byName.get(name);
  if (text === undefined) throw new Error(`No shader named ${name} in shaders/ (have: ${[...byName.keys()].join(', ')})`);
  return text;
}

export function shaderNames(): string[] {
  return [...byName.keys()].sort();
}
