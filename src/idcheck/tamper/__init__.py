"""Edit traces: "saved by an editor" (metadata, a warning) versus "content changed" (local, an error when sure).

* :mod:`.metadata`  editors named in the headers (EXIF, XMP, Photoshop IRB, ICC, PNG text, WebP, HEIF);
* :mod:`.editors`   the editor list (data, with match patterns) and the camera firmware that is no editor;
* :mod:`.jpegq`     JPEG quantisation tables: IJG quality or "non-IJG";
* :mod:`.local`     regions with another compression history, no sensor noise, or copied content;
* :mod:`.checks`    the image checks (importing it registers them).
"""
