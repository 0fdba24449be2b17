import { useQuery } from "@tanstack/react-query";
import { api } from "../client.js";

/** The folders prompts live in, nested; choosing one lists what is under it. */
export function FolderTree({
  selected,
  onSelect,
}: {
  selected: string;
  onSelect(path: string): void;
}) {
  const folders = useQuery({
    queryKey: ["prompts", "folders"],
    queryFn: () => api.prompts.folders(),
  });
  const children = (parent: string) =>
    (folders.data?.items ?? []).filter((f) => {
      const rest =
        parent === ""
          ? f.path
          : f.path.startsWith(`${parent}/`)
            ? f.path.slice(parent.length + 1)
            : undefined;
      return rest !== undefined && rest !== "" && !rest.includes("/");
    });
  const branch = (parent: string) => {
    const items = children(parent);
    if (items.length === 0) return null;
    return (
      <ul>
        {items.map((f) => (
          <li key={f.path}>
            <button
              type="button"
              className={f.path === selected ? "link current" : "link"}
              aria-current={f.path === selected ? "true" : undefined}
              onClick={() => onSelect(f.path)}
            >
              {f.path.split("/").at(-1)} ({f.prompts})
            </button>
            {branch(f.path)}
          </li>
        ))}
      </ul>
    );
  };

  return (
    <nav aria-label="Folders" className="folders">
      <button
        type="button"
        className={selected === "" ? "link current" : "link"}
        aria-current={selected === "" ? "true" : undefined}
        onClick={() => onSelect("")}
      >
        All prompts
      </button>
      {folders.isError && <p className="error">{folders.error.message}</p>}
      {branch("")}
    </nav>
  );
}
