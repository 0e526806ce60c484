"""`chipkb import`: chips and figures from public datasets, proposed as a diff and written on request.

Two datasets: Epoch AI's "Machine Learning Hardware" (`kb.importers.epoch`) and MIT Lincoln
Laboratory's AI accelerator survey by Reuther et al. (`kb.importers.reuther`). Each reads its CSV
as published; the rest is shared:

- `csvfile`: the CSV with every cell's place, so each problem is one `path:line:col: message`;
- `mapping`: the mapping table the KB keeps for a dataset, `.imports/<dataset>.yaml` (a hidden
  folder, which the KB loader skips; the importer checks it every time it runs);
- `matching`: which vendor a maker is and which chip a row is, by name and alias;
- `plan`: the diff, as changes to make and events to report;
- `yamltext` and `edits`: KB files as lines, and the changes applied to them without touching a
  line the importer does not own;
- `writing`: the result validated in a copy of the KB, then written atomically.

The rules, in short (each module says more):

- **Sources.** Every imported figure cites the dataset's source (`epoch-ml-hardware`,
  `reuther-laics-2023`; the mapping table's `source:` names another) and says where in the dataset
  it stands (`locator: row 'Google TPU v5p', column 'TDP (W)'`). A KB without that source gets it,
  in `sources/imported-<dataset>.yaml`.
- **Where things go.** A new chip goes into `chips/imported-<vendor>.yaml`, a new vendor into
  `vendors/imported-<vendor>.yaml`; a figure for a chip the KB has goes into that chip's `specs`,
  in whatever file the chip is, as one line after its last figure.
- **What the importer owns.** What it writes bears its mark (`# epoch:<digest>`, kb.importers.yamltext).
  A figure or entry whose text no longer matches its mark was edited by hand, and from then on is
  the person's: never updated, never deleted. Everything else in the KB is never changed either.
- **Disagreements.** A figure the KB already states (the same value from any source, up to the
  rounding the KB writes it with) is not added again. One that differs is added beside the KB's,
  with its own source, and reported; the KB's figure is never overwritten. A hand-written figure
  from the same dataset that differs is kept, and reported.
- **A newer snapshot** changes only what changed: an importer figure whose value changed is updated;
  one the snapshot no longer states (its row left, was skipped or maps elsewhere, its cell is empty)
  is removed; a chip or vendor the importer added is removed with its row unless something else
  needs it (a figure of another source, a claim about it, an edit by hand), which is reported.
- **Estimates.** A figure the dataset says is estimated gets `status: estimate` (Epoch's TPU TDPs,
  whose notes say Google does not state them; the survey's "Estimated peak").
- **All or nothing.** Any problem in the CSV, the mapping table or the result means nothing is written.
  Importing the same file again changes nothing.

Imports kb.store and kb.text only; the command is kb.cli.importing.
"""
