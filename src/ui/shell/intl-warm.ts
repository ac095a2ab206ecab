/**
 * A throwaway worker that makes one number and one date formatter and closes.
 *
 * A renderer's first `Intl` formatter loads ICU's locale data, 30–90 ms on a
 * slow machine, and that data is then shared by all of the page's threads. The
 * chart library makes its formatters when its module is evaluated, on the main
 * thread; loading the data here first, on another thread, spares the page that
 * long task without delaying the database worker.
 */
new Intl.NumberFormat(navigator.language).format(0.5)
new Intl.DateTimeFormat().resolvedOptions()
close()
