package com.tallytrack.system;

import java.util.List;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;

import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.BooleanSchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.RequestBody;

/**
 * Corrections to the generated OpenAPI document (issue 12.8): the container's {@code /error} dispatch target is
 * not an API, and the upload is a {@code multipart/form-data} form with a {@code file} part, which is what its
 * clients must send (the generator cannot tell from a handler that takes the part and two flags). The schemas
 * name their properties in snake case, as the API's JSON does ({@code spring.jackson.property-naming-strategy}):
 * the generator works from its own Jackson 2 mapper, which does not read Spring's Jackson settings.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocumentation {

    static final String UPLOAD = "/api/v1/admin/manifest/upload";

    @Bean
    ModelResolver snakeCaseSchemas() {
        // springdoc's own default is this resolver on the OpenAPI 3.1 mapper; it replaces that one
        return new ModelResolver(Json31.mapper().copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE))
                .openapi31(true);
    }

    @Bean
    OpenApiCustomizer apiDocumentationCorrections() {
        return openApi -> {
            if (openApi.getPaths() == null) {
                return;
            }
            openApi.getPaths().keySet().removeIf(path -> path.equals("/error") || path.startsWith("/error/"));
            PathItem upload = openApi.getPaths().get(UPLOAD);
            if (upload != null && upload.getPost() != null) {
                describeUpload(upload.getPost());
            }
        };
    }

    private static void describeUpload(Operation post) {
        Schema<Object> form = new ObjectSchema()
                .addProperty("file", new StringSchema().format("binary")
                        .description(".csv, .xlsx or .xls; at most tallytrack.import.max-file-size"))
                .addProperty("preview_only", new BooleanSchema()._default(false)
                        .description("validate only, store nothing"))
                .addProperty("async", new BooleanSchema().description("run as a job (default: by file size)"));
        form.setRequired(List.of("file"));
        post.setRequestBody(new RequestBody().required(true).content(new Content()
                .addMediaType(org.springframework.http.MediaType.MULTIPART_FORM_DATA_VALUE,
                        new MediaType().schema(form))));
        if (post.getParameters() != null) {
            // the flags are form fields of the same request; listed once, in the form
            post.getParameters().removeIf(p -> "file".equals(p.getName()) || "preview_only".equals(p.getName())
                    || "async".equals(p.getName()));
        }
    }
}
