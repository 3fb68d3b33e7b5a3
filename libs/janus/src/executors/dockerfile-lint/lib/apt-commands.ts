export const APT_INSTALL = /\bapt(-get)?\s+(-\S+\s+)*install\b/;
