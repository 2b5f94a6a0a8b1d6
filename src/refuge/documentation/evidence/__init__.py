"""Evidence files and their chain of custody.

The style guide names a separate `evidence` app; the project's INSTALLED_APPS is fixed, so it
lives here as a sub-package of documentation: services, custody chain and export here (the
files themselves in the vault's file store); its models in documentation/models/evidence.py
(tables labelled documentation).
"""
