import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { api } from "../client.js";
import { useCursorPages } from "../Pager.js";
import { ScrollRegion } from "../ScrollRegion.js";
import { usePageTitle } from "../title.js";
import { ExampleOffer } from "./ExampleOffer.js";
import { offersExample } from "./example.js";
import { FolderTree } from "./FolderTree.js";
import { NewPromptForm } from "./NewPromptForm.js";

const PAGE_SIZE = 50;

/** Every prompt with the version each environment serves, searchable, a page at a time. */
export function PromptsPage() {
  usePageTitle("Prompts");
  const [search, setSearch] = useState("");
  const [folder, setFolder] = useState("");
  // The offer stays while it runs (the list fills as it does) and while it has failed.
  const [creatingExample, setCreatingExample] = useState(false);
  const pages = useCursorPages();
  const after = pages.cursor;
  const prompts = useQuery({
    queryKey: ["prompts", folder, search.trim(), after],
    queryFn: () =>
      api.prompts.list({
        limit: PAGE_SIZE,
        ...(search.trim() && { q: search.trim() }),
        ...(folder && { folder }),
        ...(after && { after }),
      }),
    placeholderData: keepPreviousData,
  });

  return (
    <section aria-labelledby="prompts-title" className="with-sidebar">
      <FolderTree
        selected={folder}
        onSelect={(path) => {
          setFolder(path);
          pages.reset();
        }}
      />
      <div>
        <h1 id="prompts-title">Prompts{folder ? ` in ${folder}/` : ""}</h1>
        <NewPromptForm key={folder} folder={folder} />
        <label className="search">
          Search by name, tag or description
          <input
            type="search"
            value={search}
            onChange={(e) => {
              setSearch(e.target.value);
              pages.reset();
            }}
          />
        </label>
        {prompts.isPending && <p className="loading">Loading prompts…</p>}
        {prompts.isError && (
          <p role="alert" className="error">
            The prompts could not be loaded: {prompts.error.message}
          </p>
        )}
        {prompts.data && prompts.data.items.length === 0 && (
          <p className="empty">
            {search.trim()
              ? `No prompt matches “${search.trim()}”.`
              : "No prompts yet. Create one here (New prompt), with the CLI (promptline create) or the API."}
          </p>
        )}
        {prompts.data &&
          !search.trim() &&
          !folder &&
          (creatingExample || offersExample(prompts.data.items)) && (
            <ExampleOffer onActive={setCreatingExample} />
          )}
        {prompts.data && prompts.data.items.length > 0 && (
          <ScrollRegion label="Prompts list">
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Type</th>
                  <th scope="col">Latest</th>
                  <th scope="col">Environments</th>
                  <th scope="col">Tags</th>
                </tr>
              </thead>
              <tbody>
                {prompts.data.items.map((p) => (
                  <tr key={p.name}>
                    <td>
                      <Link to={`/prompts/${p.name}`}>{p.name}</Link>
                    </td>
                    <td>{p.type}</td>
                    <td>{p.latestVersion === null ? "—" : `v${p.latestVersion}`}</td>
                    <td>
                      {Object.entries(p.labels).map(([env, version]) => (
                        <span key={env} className="label">
                          {env} v{version}
                        </span>
                      ))}
                    </td>
                    <td>{p.tags.join(", ")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
        )}
        {pages.pager(prompts.data?.nextCursor, ["Previous", "Next"])}
      </div>
    </section>
  );
}
