"""Publishing: versioned releases and their verification (:mod:`.release`), the codebook
(:mod:`.codebook`), the report (:mod:`.report`) and the documents a build commits (:mod:`.docs`).
"""
