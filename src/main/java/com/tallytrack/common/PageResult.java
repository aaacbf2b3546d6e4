package com.tallytrack.common;

import java.util.List;
import java.util.function.Function;

/** One page of a listing and where it sits in the whole. {@code page} counts from 1. */
public record PageResult<T>(List<T> data, int page, int limit, long totalCount) {

    public int totalPages() {
        return totalCount == 0 ? 0 : (int) ((totalCount + limit - 1) / limit);
    }

    public <R> PageResult<R> map(Function<T, R> mapper) {
        return new PageResult<>(data.stream().map(mapper).toList(), page, limit, totalCount);
    }

    /** The {@code pagination} object of the API listings. */
    public Pagination pagination() {
        return new Pagination(page, limit, totalCount, totalPages(), page < totalPages(), page > 1);
    }

    public record Pagination(int page, int limit, long totalCount, int totalPages, boolean hasNext, boolean hasPrev) {
    }

    /** Clamps a requested page and limit to sane bounds: page ≥ 1, 1 ≤ limit ≤ maxLimit. */
    public static int[] clamp(Integer page, Integer limit, int defaultLimit, int maxLimit) {
        int p = page == null || page < 1 ? 1 : page;
        int l = limit == null || limit < 1 ? defaultLimit : Math.min(limit, maxLimit);
        return new int[] {p, l};
    }
}
