"""The public site: mentor pages, the directory and mentors.json, for MkDocs or Zensical.

`pages.py`, `render.py` and `generate.py` turn validated profiles into finished files (HTML,
SVG, JSON) without any engine; `hook.py` hands them to MkDocs in memory, `stage.py` writes
them into a folder for Zensical, and `engines.py` runs whichever `site_engine` names.
"""
