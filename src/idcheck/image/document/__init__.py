"""Finding the document (ID card, licence, passport page) in a photo: its four corners.

The search runs on a small copy (``detect_long_side`` px, default 512), where a
card filling a third of the frame still spans 200+ px, and returns the
quadrilateral in working-copy coordinates.

Two independent proposals, then one judge:

* **colour proposal** - the background is what lies along the picture's border.
  Its dominant colours (k-means on the outer ring) define "background"; pixels far
  from all of them (in Lab) are foreground.  Works for wood, fabric, dark cloth,
  a hand under the document, and keeps working when a corner leaves the frame.
* **edge proposal** - Canny edges, closed, and the biggest closed outline.  Works
  when the background has the paper's colour but the document's border makes an
  edge (a white card on a light desk; its shadow).

Each proposal is cleaned (largest component, holes filled), its convex hull taken
(so a finger biting into the outline does not bend the quad) and reduced to the
smallest enclosing quadrilateral (:func:`cv2.approxPolyN`).  When the document is
cut by the frame, the hull is a pentagon or a quad with a side on the frame edge;
the enclosing quad then extends past the frame, which is exactly the evidence
``document.corner_missing`` needs.

A third proposal, **all edges**, is the hull of every sizeable Canny structure away
from the frame border: on a plain light desk the document's outline is faint, but its
print is the only thing making edges.

When none of these gives a confident outline (confidence < 0.8: a white card on a white
desk, a card on the palm of a hand), a fourth, **lines**, is tried (:func:`_line_quads`):
straight segments from OpenCV's line segment detector (LSD, on grey and on the yellow-blue
channel: a bluish card on a beige desk), joined into lines; quads of
two nearly parallel pairs, scored by how much of each side lies on segments; and quads
of three lines closed where the two parallel ones end (a border with no contrast at all)
or by the frame edge both run out at (a cut document) (:func:`_three_line_quads`).  A
confident line quad that contains the best outline wins over it: a document's outline
contains its portrait, its printed frame and its tables, never the other way round.

Every proposal is then **refined and verified** (:func:`refine`, :func:`verify`): each
side is snapped to the straight edge beside it (strongest gradient across the side,
Huber line fit) and gets a *straightness* (share of the side on that line); corners
become intersections of the fitted lines.  A side bent by a finger or a hand is
re-found as the best-supported line nearly parallel to its opposite side
(:func:`recover_side`).  The **confidence** is the weakest in-frame side's straightness,
times plausibility of the corner angles (within ~25 degrees of square) and of the
proportions (ID card 1.586, page 1.414, with perspective), and zero when a side lying on
the frame edge is skin (a hand merged with the document) or when the sides running out of
the picture stop short of the frame (:func:`cut_support`: a palm or finger carried the
outline out, the document's own corner is in the picture).

The judge prefers confident outlines, then edge support (how much of the in-frame
perimeter lies on a real edge) and fill.  Every outline judged plausible is kept with the
best (``DocumentQuad.alternatives``): when the best is doubtful, or another outline lies
around it, the image context asks the text detector for the picture's print and
:mod:`.print_fit` keeps the best only if it holds that print; else the best-ranked outline
that does, else the picture's frame when the print fills it (confidence 0), else the best
marked ``print_outside``.  An inner rectangle (a portrait, a block of fields, the fold
across a receipt) has straight sides and real edges: only the print tells it from the
document.  Checks that read the document from the quad
report errors only when ``confidence >= document.min_confidence``
(``ImageContext.document_confident``): a finding from a doubtful quad is worse than none.

Where each part lives (the public names are re-exported here; private helpers are imported from their module):

* :mod:`.quad` - :class:`DocumentQuad`, :func:`order_corners`, and small line and frame geometry;
* :mod:`.proposals` - the colour, edge and all-edges proposals, and the quad enclosing a proposal's mask;
* :mod:`.lines` - LSD segments, lines, and the four- and three-line quads;
* :mod:`.refinement` - :func:`refine`, edge support, :func:`recover_side`, :func:`cut_support`;
* :mod:`.verification` - :func:`verify` and the dark rim of a screen or picture frame;
* :mod:`.detector` - :func:`detect`: the proposals judged and ranked;
* :mod:`.print_fit` - the outline that must hold the document's print (pure functions; the context runs the detector).

The modules are not named after the functions they hold (``refine``, ``verify``, ``detect``): a package attribute is
either the function or the submodule, and the re-exported function must win.
"""

from .detector import detect, detect_in_screen_photo
from .quad import CORNER_NAMES, DocumentQuad, order_corners
from .refinement import cut_support, recover_side, refine
from .verification import verify

__all__ = ["CORNER_NAMES", "DocumentQuad", "cut_support", "detect", "detect_in_screen_photo", "order_corners",
           "recover_side", "refine", "verify"]
