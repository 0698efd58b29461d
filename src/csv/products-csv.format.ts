/** The canonical column names of the products CSV, as the reference service defines them. */
export const SERIAL_NUMBER = 'S. No.';
export const PRODUCT_NAME = 'Product Name';
export const INPUT_IMAGE_URLS = 'Input Image Urls';
/** The column the output CSV adds after the input columns. */
export const OUTPUT_IMAGE_URLS = 'Output Image Urls';
