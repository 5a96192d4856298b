"""Image check families.  Importing this package registers every check; the
order of the imports below is the order in which the checks run.  Add a family
as one module here plus its codes in ``idcheck/catalogue/``.

``document`` runs first: it finds the document (``ctx.document``), which every
later family reuses through the cached context views."""

from . import document, resolution, blur, glare, colour, occlusion, watermark, screen  # noqa: F401

# The red seal of a licence or certificate (after colour: a greyscale picture is not judged).
from . import seal  # noqa: E402,F401

# Edit traces last: the local-edit detectors reuse the document found above.
from ...tamper import checks as _tamper_checks  # noqa: E402,F401
