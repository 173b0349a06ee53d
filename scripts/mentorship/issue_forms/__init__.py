"""Joining without YAML: GitHub issue forms that become a profile's pull request.

`templates` writes the two issue forms from the taxonomy; `answers` reads a submitted form's
text into a profile; `apply` turns an `issues` event into a pull request (or a comment listing
the problems), talking to GitHub through `github`.
"""
