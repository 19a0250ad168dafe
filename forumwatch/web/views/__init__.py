"""The dashboard's pages, one module per group; each exports ``ROUTES``."""
