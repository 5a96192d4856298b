"""Image check families.  Importing this package registers every check; the
order of the imports below is the order in which the checks run.  Add a family
as one module here plus its codes in ``idcheck/catalogue/``."""
