'use strict';
// Faulty on purpose: fails while being imported (expect BAD_IMPLEMENTATION at Setup).
require('a-package-that-is-not-installed');
