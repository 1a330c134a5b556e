package dev.xlat64.addr;

/**
 * Sorts an array of ints (positions into the caller's column arrays) by a comparator, without boxing: a stable
 * bottom-up merge sort, O(n log n), one scratch array. Used to build the mapping tables off the data path.
 */
final class IntSort
{
    /** Compares two positions. */
    interface Comparator
    {
        int compare(int a, int b);
    }

    private IntSort()
    {
    }

    static void sort(final int[] values, final Comparator comparator)
    {
        final int n = values.length;
        int[] from = values;
        int[] to = new int[n];
        // Runs of 16 by insertion sort first: fewer passes, and the short runs stay in cache.
        final int run = 16;
        for (int start = 0; start < n; start += run)
        {
            final int end = Math.min(n, start + run);
            for (int i = start + 1; i < end; i++)
            {
                final int v = from[i];
                int j = i - 1;
                while (j >= start && comparator.compare(from[j], v) > 0)
                {
                    from[j + 1] = from[j];
                    j--;
                }
                from[j + 1] = v;
            }
        }
        for (int width = run; width < n; width *= 2)
        {
            for (int left = 0; left < n; left += 2 * width)
            {
                final int mid = Math.min(n, left + width);
                final int right = Math.min(n, left + 2 * width);
                int i = left;
                int j = mid;
                int k = left;
                while (i < mid && j < right)
                {
                    to[k++] = comparator.compare(from[j], from[i]) < 0 ? from[j++] : from[i++];
                }
                while (i < mid)
                {
                    to[k++] = from[i++];
                }
                while (j < right)
                {
                    to[k++] = from[j++];
                }
            }
            final int[] swap = from;
            from = to;
            to = swap;
        }
        if (from != values)
        {
            System.arraycopy(from, 0, values, 0, n);
        }
    }
}
