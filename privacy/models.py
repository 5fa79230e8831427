"""Records of the RGPD lifecycle (retention holds, subject requests, exports)."""
