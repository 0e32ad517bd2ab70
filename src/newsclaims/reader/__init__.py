"""The reader: loading a release into typed pandas frames (:mod:`.load`) and fetching published
releases into a verified cache (:mod:`.fetch`). It needs only the data package layer, so reading
the dataset never imports the machinery that builds it (spaCy, matplotlib, frictionless).
"""
