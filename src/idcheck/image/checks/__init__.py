"""Image check families, one module each.  Importing this package runs nothing
and registers nothing: the checks that run, and their order, are listed in
:data:`idcheck.pipeline.CHECKS`.  Add a family as one module here, its codes in
``idcheck/catalogue/``, and one line in that list."""
