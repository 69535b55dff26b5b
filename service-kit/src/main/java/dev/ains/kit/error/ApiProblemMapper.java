package dev.ains.kit.error;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

@Provider
public class ApiProblemMapper implements ExceptionMapper<ApiProblem> {
    @Override
    public Response toResponse(ApiProblem exception) {
        return Problems.response(exception);
    }
}
